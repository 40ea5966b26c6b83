"""Analysis specifications and stored runs (DESIGN.md); the engine itself is analysis/stats."""
