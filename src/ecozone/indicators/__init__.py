"""ecozone.indicators"""
