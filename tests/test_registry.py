from pathlib import Path

import pytest

from crawlers.registry import RegistryError, Site, default_registry_path, find_site, load_registry

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD_SITES = SHARED / "world" / "small" / "sites.toml"

GOOD = '''
[[site]]
id = "sxd-x"
name = "Sở Xây dựng tỉnh X"
cms = "nukeviet"
kind = "news"
base_url = "https://sxd.example.gov.vn/"
start_urls = ["https://sxd.example.gov.vn/news/cchc/"]
level = "department"
province = "52"
agency = "Sở Xây dựng"
'''


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sites.toml"
    p.write_text(text, encoding="utf-8")
    return p


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(RegistryError) as e:
        load_registry(write(tmp_path, text))
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith("sites.toml: ")
    return msg


def test_shipped_registry_loads():
    sites = load_registry(default_registry_path())
    assert len(sites) >= 8
    ids = {s.id for s in sites}
    assert {"sxd-binhdinh", "snv-binhdinh", "hocmon-hcm", "tayninh", "baohagiang", "haiphong",
            "dvc-binhdinh", "cchc-national"} <= ids
    sxd = find_site(sites, "sxd-binhdinh")
    assert sxd.start_urls == ("https://sxd.binhdinh.gov.vn/news/cai-cach-hanh-chinh/",)
    assert sxd.province == "52" and sxd.cms == "nukeviet"


def test_world_registry_loads():
    if not WORLD_SITES.exists():
        pytest.skip("shared world absent")
    sites = load_registry(WORLD_SITES)
    assert len(sites) == 8
    national = find_site(sites, "cchc-national")
    assert national.level == "national" and national.province is None


def test_good_site_parses(tmp_path):
    [site] = load_registry(write(tmp_path, GOOD))
    assert site == Site(id="sxd-x", name="Sở Xây dựng tỉnh X", cms="nukeviet", kind="news",
                        base_url="https://sxd.example.gov.vn/", start_urls=("https://sxd.example.gov.vn/news/cchc/",),
                        level="department", province="52", agency="Sở Xây dựng", district=None)


def test_unknown_key(tmp_path):
    assert error_of(tmp_path, GOOD + 'foo = "bar"\n') == "sites.toml: site 'sxd-x': unknown key 'foo'"


def test_missing_key(tmp_path):
    text = GOOD.replace('kind = "news"\n', "")
    assert error_of(tmp_path, text) == "sites.toml: site 'sxd-x': missing required key 'kind'"


@pytest.mark.parametrize("old,new,fragment", [
    ('cms = "nukeviet"', 'cms = "wordpress"', "cms 'wordpress' is not one of"),
    ('kind = "news"', 'kind = "blog"', "kind 'blog' is not one of"),
    ('level = "department"', 'level = "ward"', "level 'ward' is not one of"),
    ('province = "52"', 'province = "5"', "province must be a two-digit GSO code, got '5'"),
    ('province = "52"', 'province = 52', "'province' must be a string"),
    ('start_urls = ["https://sxd.example.gov.vn/news/cchc/"]', 'start_urls = ["https://other.gov.vn/a/"]',
     "start URL 'https://other.gov.vn/a/' is outside base_url's site"),
    ('start_urls = ["https://sxd.example.gov.vn/news/cchc/"]', "start_urls = []",
     "start_urls must be a non-empty list of strings"),
])
def test_bad_values(tmp_path, old, new, fragment):
    msg = error_of(tmp_path, GOOD.replace(old, new))
    assert msg.startswith("sites.toml: site 'sxd-x': ")
    assert fragment in msg


def test_duplicate_id(tmp_path):
    assert error_of(tmp_path, GOOD + GOOD) == "sites.toml: site 'sxd-x': duplicate id"


def test_malformed_toml_names_line(tmp_path):
    msg = error_of(tmp_path, GOOD + "name = \n")
    assert "malformed TOML" in msg and "at line 12," in msg


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError) as e:
        load_registry(tmp_path / "nope.toml")
    assert str(e.value).startswith("nope.toml: cannot read")


def test_site_without_id_is_named_by_position(tmp_path):
    msg = error_of(tmp_path, GOOD.replace('id = "sxd-x"\n', ""))
    assert msg == "sites.toml: site #1: missing required key 'id'"


DVC = '''
[[site]]
id = "dvc"
name = "Cổng Dịch vụ công Quốc gia"
cms = "dichvucong"
kind = "national"
base_url = "https://dvc.example.gov.vn/"
start_urls = ["https://dvc.example.gov.vn/a"]
level = "national"
'''


def test_since_and_verified_parse(tmp_path):
    (site,) = load_registry(write(tmp_path, DVC + "since = 2024\nverified = true\n"))
    assert (site.cms, site.since, site.verified) == ("dichvucong", 2024, True)
    (plain,) = load_registry(write(tmp_path, GOOD))
    assert (plain.since, plain.verified) == (None, False)
    (checked,) = load_registry(write(tmp_path, GOOD + "verified = false\n"))
    assert checked.verified is False


@pytest.mark.parametrize("extra,fragment", [
    ('since = "2024"', "'since' must be a year (an integer such as 2022), got '2024'"),
    ("since = true", "'since' must be a year (an integer such as 2022), got True"),
    ("since = 24", "'since' must be a year (an integer such as 2022), got 24"),
    ('verified = "yes"', "'verified' must be true or false"),
])
def test_since_and_verified_types(tmp_path, extra, fragment):
    assert error_of(tmp_path, DVC + extra + "\n") == f"sites.toml: site 'dvc': {fragment}"


def test_since_only_for_dichvucong(tmp_path):
    assert error_of(tmp_path, GOOD + "since = 2022\n") == \
        "sites.toml: site 'sxd-x': 'since' applies only to cms = \"dichvucong\""


def test_shipped_registry_covers_every_province():
    import csv
    from collections import Counter
    from urllib.parse import urlsplit

    sites = load_registry(default_registry_path())
    codes = {r["code"] for r in csv.DictReader((default_registry_path().parents[1] / "data" / "provinces.csv")
                                              .open(encoding="utf-8"))}
    assert len(codes) == 63
    portals = {s.province for s in sites if s.level == "province" and s.kind == "news"}
    interior = {s.province for s in sites if s.agency == "Sở Nội vụ"}
    public_service = {s.province for s in sites if s.province and urlsplit(s.base_url).hostname.startswith("dichvucong.")}
    assert portals == interior == public_service == codes
    hosts = Counter(urlsplit(s.base_url).hostname.removeprefix("www.") for s in sites)
    assert [h for h, n in hosts.items() if n > 1] == []
    # Nobody has checked these hosts online yet (this machine has no internet).
    assert not any(s.verified for s in sites)
    assert sum(1 for s in sites if s.level == "newspaper") >= 10
