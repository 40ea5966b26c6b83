"""Prioritised screening: active learning on title and abstract, and the stopping estimate.

The pure core (``features``, ``model``, ``ordering``, ``stopping``, ``simulation``) imports no Django;
``services``, ``store`` and ``jobs`` connect it to the database and the background jobs.
"""
