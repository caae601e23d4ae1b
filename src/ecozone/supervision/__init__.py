"""Supervision of the zoning in use: clues (遥感、无人机、举报、许可) screened against the zoning in
force when they were observed, and the inspection worklist that takes each to closure."""
