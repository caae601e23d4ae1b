"""Yearly tracking of the zoning (年度跟踪): figures drawn from zoning releases and from the screenings that used them.

A package above both zoning and screening, so neither needs the other's repository."""
