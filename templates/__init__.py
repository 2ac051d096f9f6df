"""The Jinja2 templates, installed as the package ``generator._templates``.

This folder stays at the top of the repository; pyproject.toml maps it into
the wheel, and ``generator/template_files.py`` reads it from there.
"""
