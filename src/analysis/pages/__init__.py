"""Pages: notebook HTML (webpage), landing pages, display set-up in notebooks, annex tables, static files."""
