"""What the librarian types in for TT16: a commented Vietnamese TOML template and its reader.

One table per criterion (``[tieu_chi."facilities.total_area"]``) with, as it applies:
``gia_tri`` (a number), ``danh_gia_muc_1`` / ``danh_gia_muc_2`` (``"đạt"`` or
``"không đạt"``) and ``minh_chung`` (where the evidence is). An empty string is "not
filled in": the template is accepted unchanged and everything in it then needs input.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koha_bridge.exceptions import ConfigError
from koha_bridge.standards.criteria import GRADE_NAMES, Criterion, Threshold

#: Criteria whose figure only the school knows (areas, sets of books per teacher).
NUMBER_INPUTS: dict[str, str] = {
    "facilities.total_area": "tổng diện tích thư viện, m² (không tính không gian mở)",
    "facilities.area_per_user": "m² trên một học sinh (để trống: tính từ tổng diện tích "
                                "chia số học sinh có thẻ)",
    "facilities.area_share_of_users": "% số học sinh toàn trường mà thư viện đủ chỗ phục vụ",
    "facilities.reading_space_min_decree93": "diện tích không gian đọc, m²",
    "information_resources.teacher_book_sets": "số bộ sách ít nhất mà mỗi giáo viên có "
                                               "(theo khối/môn giảng dạy)",
}
ESTABLISHMENT = "Điều kiện thành lập thư viện (NĐ 93/2020, không tính vào mức độ)"
PASS_WORDS = ("đạt", "dat")
FAIL_WORDS = ("không đạt", "khong dat", "chưa đạt", "chua dat")


@dataclass(frozen=True)
class Entry:
    """What was typed for one criterion (``None`` = left empty)."""

    value: float | None = None
    judgement: dict[str, bool] = field(default_factory=dict)  # grade → passed
    evidence: str = ""


@dataclass(frozen=True)
class Inputs:
    path: Path | None
    year: str
    entries: dict[str, Entry]

    def get(self, key: str) -> Entry:
        return self.entries.get(key, Entry())


NO_INPUTS = Inputs(None, "", {})


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def template(
    lines: Sequence[tuple[Criterion, str, list[Threshold]]], school: str, level: str, year: str
) -> str:
    """The commented template for the lines a school of this level is judged on."""
    out = [
        "# Số liệu nhập tay cho việc đánh giá thư viện theo Thông tư 16/2022/TT-BGDĐT",
        f"# Trường: {school} — cấp học: {level} — năm học {year}",
        "#",
        "# Cách điền: ghi giá trị giữa hai dấu nháy hoặc thay bằng một số; để trống \"\"",
        "# nghĩa là CHƯA NHẬP: tiêu chí được báo là \"cần nhập thủ công\" (không bao giờ đạt).",
        "#   gia_tri        = một số (ví dụ 65 hoặc 0.8)",
        "#   danh_gia_muc_1 = \"đạt\" hoặc \"không đạt\" (tự đánh giá theo Mức độ 1)",
        "#   danh_gia_muc_2 = \"đạt\" hoặc \"không đạt\" (tự đánh giá theo Mức độ 2)",
        "#   minh_chung     = tài liệu chứng minh (biên bản, kế hoạch, ảnh, sổ theo dõi...)",
        "# Ngưỡng \"CHƯA XÁC NHẬN\" là ngưỡng koha-bridge chưa đọc được trong văn bản chính thức:",
        "# đối chiếu Thông tư 16/2022 rồi tự đánh giá; phần mềm không tự đặt ngưỡng.",
        "",
        f"nam_hoc = {_q(year)}",
    ]
    by_key: dict[str, list[tuple[str, list[Threshold]]]] = {}
    criteria: dict[str, Criterion] = {}
    for criterion, grade, thresholds in lines:
        criteria[criterion.key] = criterion
        by_key.setdefault(criterion.key, []).append((grade, thresholds))
    for key, grades in by_key.items():
        criterion = criteria[key]
        needs = [(g, ts) for g, ts in grades if not all(t.numeric for t in ts)]
        if key not in NUMBER_INPUTS and not needs and not criterion.manual:
            continue
        out += ["", f"[tieu_chi.{_q(key)}]", f"# {criterion.label}"]
        for grade, thresholds in grades:
            for t in thresholds:
                out.append(f"# {GRADE_NAMES.get(grade, ESTABLISHMENT)}: {t.describe()}")
        if key in NUMBER_INPUTS:
            out.append(f'gia_tri = ""          # {NUMBER_INPUTS[key]}')
        for grade, _ in needs:
            out.append(f'danh_gia_muc_{grade[-1]} = ""   # "đạt" hoặc "không đạt"')
        out.append('minh_chung = ""       # tài liệu chứng minh')
    return "\n".join(out) + "\n"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).lower()


def read_inputs(path: Path, known: set[str]) -> Inputs:
    """Read a filled (or untouched) template; every mistake is reported at once."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Không tìm thấy tệp số liệu nhập tay: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Tệp {path} không đọc được: {exc}") from exc
    errors: list[str] = []
    entries: dict[str, Entry] = {}
    tables = data.get("tieu_chi", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: [tieu_chi] phải là các bảng")
    for key, spec in tables.items():
        where = f'[tieu_chi."{key}"]'
        if key not in known:
            errors.append(f"{where}: không có tiêu chí này trong Thông tư 16")
            continue
        if not isinstance(spec, dict):
            errors.append(f"{where}: cần một bảng")
            continue
        value: float | None = None
        raw = spec.get("gia_tri", "")
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            errors.append(f"{where} gia_tri: cần một số")
        elif isinstance(raw, str) and raw.strip():
            try:
                value = float(raw.strip().replace(",", "."))
            except ValueError:
                errors.append(f"{where} gia_tri: {raw!r} không phải là số")
        elif not isinstance(raw, str):
            value = float(raw)
        judgement: dict[str, bool] = {}
        for grade in ("level_1", "level_2"):
            name = f"danh_gia_muc_{grade[-1]}"
            text = _fold(str(spec.get(name, "")))
            if text in PASS_WORDS:
                judgement[grade] = True
            elif text in FAIL_WORDS:
                judgement[grade] = False
            elif text:
                errors.append(f'{where} {name}: {spec[name]!r} — cần "đạt" hoặc "không đạt"')
        unknown = set(spec) - {"gia_tri", "danh_gia_muc_1", "danh_gia_muc_2", "minh_chung"}
        if unknown:
            errors.append(f"{where}: khoá không hợp lệ: {', '.join(sorted(unknown))}")
        entries[key] = Entry(value, judgement, str(spec.get("minh_chung", "")).strip())
    if errors:
        raise ConfigError(f"Tệp {path} có lỗi:\n" + "\n".join(errors))
    return Inputs(path, str(data.get("nam_hoc", "")), entries)
