"""ecozone.geo"""
