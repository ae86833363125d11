"""Forms, one module per views module; they validate and translate, views never trust POST data."""
