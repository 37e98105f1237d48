"""The project's own fictional sample statutes (XN, XS, XF) and their renderer."""
