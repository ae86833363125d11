"""sitemap.xml: the committees, their published minutes and their teams' timelines."""

from django.contrib.sitemaps import Sitemap

from .models import Committee, Meeting, MeetingStatus, Team


class CommitteeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Committee.objects.order_by("slug")


class MeetingSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Meeting.objects.published().select_related("committee").order_by("committee__slug", "date")

    def lastmod(self, meeting):
        return meeting.updated_at


class TeamSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Team.objects.filter(reports__meeting__status=MeetingStatus.PUBLISHED)
            .select_related("committee")
            .distinct()
            .order_by("committee__slug", "slug")
        )


SITEMAPS = {"committees": CommitteeSitemap, "meetings": MeetingSitemap, "teams": TeamSitemap}
