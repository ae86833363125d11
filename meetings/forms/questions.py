"""Asking a question on a report, and answering it (views/questions.py)."""

from django import forms


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Ask a question or leave a comment", max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Answer", required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 3}))
