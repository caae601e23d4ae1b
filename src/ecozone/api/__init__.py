"""ecozone.api"""
