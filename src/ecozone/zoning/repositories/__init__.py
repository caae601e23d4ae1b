"""Repositories of zoning: releases with their units, rules and rule files; regions and reference features."""
