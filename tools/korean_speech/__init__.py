"""Dev tools that make Korean telephone test speech (not imported by the app)."""
