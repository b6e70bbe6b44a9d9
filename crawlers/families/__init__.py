"""One Scrapy spider per CMS family, all built on crawlers.families.base.FamilySpider.

`spider_for(cms)` maps a registry `cms` value to its spider class ("auto" is
the generic spider); an unknown value is an error, never a silent default.
"""
from __future__ import annotations

from crawlers.families.cityportal import CityPortalSpider
from crawlers.families.dichvucong import DichVuCongSpider
from crawlers.families.generic import GenericSpider
from crawlers.families.liferay import LiferaySpider
from crawlers.families.national import NationalSpider
from crawlers.families.newspaper import NewspaperSpider
from crawlers.families.nukeviet import NukeVietSpider
from crawlers.families.sharepoint import SharePointSpider
from crawlers.families.stats import StatsSpider

SPIDERS: dict[str, type] = {
    "nukeviet": NukeVietSpider,
    "liferay": LiferaySpider,
    "sharepoint": SharePointSpider,
    "newspaper": NewspaperSpider,
    "cityportal": CityPortalSpider,
    "stats": StatsSpider,
    "national": NationalSpider,
    "dichvucong": DichVuCongSpider,
    "auto": GenericSpider,
}


def spider_for(cms: str) -> type:
    """The spider class of a registry `cms` value; ValueError for an unknown one."""
    try:
        return SPIDERS[cms]
    except KeyError:
        known = ", ".join(SPIDERS)
        raise ValueError(f"unknown cms family '{cms}' (known: {known})") from None
