"""ecozone.store"""
