"""Reports shared by the domains: HTML from Jinja2 templates, PDF through WeasyPrint, CJK fonts."""
