"""employers views."""
