"""Developer tools; nothing here is imported by the application."""
