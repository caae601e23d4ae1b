"""ecozone.zoning"""
