"""ecozone.web"""
