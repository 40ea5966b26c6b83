"""Studies, extraction forms and risk of bias (DESIGN.md); their models arrive with the extraction issue."""
