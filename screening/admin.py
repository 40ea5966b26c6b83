"""Screening rows are changed only through the services (history and audit); the admin is not used."""
