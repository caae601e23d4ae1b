"""Repositories of monitoring: one module per aggregate (stations, observations, grids, alerts, complaints)."""
