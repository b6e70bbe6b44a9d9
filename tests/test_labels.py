"""Every indicator and component key of the vocabulary has a readable name in Vietnamese and English."""
from __future__ import annotations

import unicodedata

from flows.labels import both, label, labels
from flows.schema import COMPONENTS, INDICATORS

SERVICE_COMPONENTS = ("cong_khai_minh_bach", "tien_do_giai_quyet", "dich_vu_cong_truc_tuyen",
                      "thanh_toan_truc_tuyen", "muc_do_hai_long", "so_hoa_ho_so")


def test_every_key_has_both_names():
    keys = set(INDICATORS) | set(COMPONENTS) | set(SERVICE_COMPONENTS) | {"service_index", "service_index_rank"}
    missing = sorted(k for k in keys if not (label(k, "vi") and label(k, "en")))
    assert missing == []
    assert all(unicodedata.is_normalized("NFC", r["vi"]) for r in labels().values())


def test_names():
    assert label("on_time_rate") == "Tỷ lệ hồ sơ giải quyết đúng hạn"
    assert label("on_time_rate", "en") == "Share of dossiers resolved on time"
    assert both("par_index") == "Chỉ số cải cách hành chính (PAR INDEX) / Public administration reform index (PAR INDEX)"
    assert both("no_such_key") == "no_such_key" and label("no_such_key") is None
