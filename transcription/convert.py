"""Convert a CTranslate2 Whisper ``model.bin`` into an openai-whisper checkpoint.

CTranslate2 writes ``model.bin`` in a small binary format (ctranslate2/specs/model_spec.py,
``ModelSpec._serialize``): a version, the spec name and revision, then each variable as
name, rank, shape, dtype id, byte count and raw bytes, then aliases. Whisper's spec
(``whisper_spec.py`` and ``transformer_spec.py``) fuses the self-attention query, key and
value projections into ``linear_0`` and the cross-attention key and value into
``linear_1``; openai-whisper (whisper/model.py) keeps them apart and has no key bias, so
the converter splits them and checks the key bias slice is zero.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

# Order of CTranslate2's DataType enum (include/ctranslate2/types.h).
_DTYPES: dict[int, str] = {
    0: "float32",
    1: "int8",
    2: "int16",
    3: "int32",
    4: "float16",
    5: "bfloat16",
}
SUPPORTED_BINARY_VERSIONS = (5, 6)


class ConversionError(Exception):
    """The file is not a CTranslate2 Whisper model this converter understands."""


@dataclass(frozen=True)
class WhisperDims:
    """openai-whisper's ModelDimensions, derived from the tensor shapes."""

    n_mels: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_vocab: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int


def _read(fp: IO[bytes], fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = fp.read(size)
    if len(data) != size:
        raise ConversionError("model.bin is truncated")
    return struct.unpack("<" + fmt, data)[0]


def _read_string(fp: IO[bytes]) -> str:
    length = _read(fp, "H")
    raw = fp.read(length)
    if len(raw) != length:
        raise ConversionError("model.bin is truncated")
    return raw[:-1].decode("utf-8")  # stored with a trailing NUL


def _to_numpy(raw: bytes, dtype: str, shape: list[int]) -> np.ndarray:
    if dtype == "bfloat16":
        # bfloat16 is the top half of a float32: widen by shifting into the high bits.
        wide = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return wide.view(np.float32).reshape(shape)
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)


def read_ctranslate2(path: str | Path) -> tuple[str, dict[str, np.ndarray]]:
    """Read every variable of a CTranslate2 ``model.bin``; aliases are resolved."""
    variables: dict[str, np.ndarray] = {}
    with open(path, "rb") as fp:
        version = _read(fp, "I")
        if version not in SUPPORTED_BINARY_VERSIONS:
            raise ConversionError(f"unsupported CTranslate2 binary version {version}")
        spec_name = _read_string(fp)
        _read(fp, "I")  # spec revision
        for _ in range(_read(fp, "I")):
            name = _read_string(fp)
            shape = [_read(fp, "I") for _ in range(_read(fp, "B"))]
            type_id = _read(fp, "B")
            if type_id not in _DTYPES:
                raise ConversionError(f"{name}: unknown dtype id {type_id}")
            num_bytes = _read(fp, "I")
            raw = fp.read(num_bytes)
            if len(raw) != num_bytes:
                raise ConversionError("model.bin is truncated")
            variables[name] = _to_numpy(raw, _DTYPES[type_id], shape)
        for _ in range(_read(fp, "I")):
            alias, target = _read_string(fp), _read_string(fp)
            variables[alias] = variables[target]
    return spec_name, variables


def _weight(variables: dict[str, np.ndarray], scope: str) -> np.ndarray:
    """A linear or conv weight as floats, undoing int8/int16 quantisation if present."""
    weight = variables[f"{scope}/weight"]
    scale = variables.get(f"{scope}/weight_scale")
    if scale is None:
        return weight
    # CTranslate2 stores round(w * scale) with one scale per output row (int8) or one overall.
    scale = scale.astype(np.float32).reshape((-1,) + (1,) * (weight.ndim - 1))
    return (weight.astype(np.float32) / scale).astype(np.float32)


def _count_layers(variables: dict[str, np.ndarray], prefix: str) -> int:
    count = 0
    while f"{prefix}/layer_{count}/ffn/linear_0/bias" in variables:
        count += 1
    return count


def whisper_dims(variables: dict[str, np.ndarray]) -> WhisperDims:
    """Model dimensions read from the tensor shapes and head counts."""
    conv1 = variables["encoder/conv1/weight"]
    embeddings = variables["decoder/embeddings/weight"]
    return WhisperDims(
        n_mels=int(conv1.shape[1]),
        n_audio_ctx=int(variables["encoder/position_encodings/encodings"].shape[0]),
        n_audio_state=int(conv1.shape[0]),
        n_audio_head=int(variables["encoder/num_heads"]),
        n_audio_layer=_count_layers(variables, "encoder"),
        n_vocab=int(embeddings.shape[0]),
        n_text_ctx=int(variables["decoder/position_encodings/encodings"].shape[0]),
        n_text_state=int(embeddings.shape[1]),
        n_text_head=int(variables["decoder/num_heads"]),
        n_text_layer=_count_layers(variables, "decoder"),
    )


def _split_rows(array: np.ndarray, parts: int) -> list[np.ndarray]:
    return list(np.split(array, parts, axis=0))


def _attention(
    variables: dict[str, np.ndarray], scope: str, target: str, *, fused_qkv: bool
) -> Iterator[tuple[str, np.ndarray]]:
    """Map one attention block; self-attention fuses q,k,v, cross-attention fuses k,v."""
    if fused_qkv:
        q_w, k_w, v_w = _split_rows(_weight(variables, f"{scope}/linear_0"), 3)
        q_b, k_b, v_b = _split_rows(variables[f"{scope}/linear_0/bias"], 3)
        out = f"{scope}/linear_1"
    else:
        q_w, q_b = _weight(variables, f"{scope}/linear_0"), variables[f"{scope}/linear_0/bias"]
        k_w, v_w = _split_rows(_weight(variables, f"{scope}/linear_1"), 2)
        k_b, v_b = _split_rows(variables[f"{scope}/linear_1/bias"], 2)
        out = f"{scope}/linear_2"
    # openai-whisper's key projection has no bias; CTranslate2 pads it with zeros when fusing.
    if np.any(k_b.astype(np.float32) != 0):
        raise ConversionError(f"{scope}: key bias is not zero; not a Whisper model")
    yield f"{target}.query.weight", q_w
    yield f"{target}.query.bias", q_b
    yield f"{target}.key.weight", k_w
    yield f"{target}.value.weight", v_w
    yield f"{target}.value.bias", v_b
    yield f"{target}.out.weight", _weight(variables, out)
    yield f"{target}.out.bias", variables[f"{out}/bias"]


def _layer_norm(
    variables: dict[str, np.ndarray], scope: str, target: str
) -> Iterator[tuple[str, np.ndarray]]:
    yield f"{target}.weight", variables[f"{scope}/gamma"]
    yield f"{target}.bias", variables[f"{scope}/beta"]


def _block(
    variables: dict[str, np.ndarray], scope: str, target: str, *, cross: bool
) -> Iterator[tuple[str, np.ndarray]]:
    yield from _attention(variables, f"{scope}/self_attention", f"{target}.attn", fused_qkv=True)
    yield from _layer_norm(variables, f"{scope}/self_attention/layer_norm", f"{target}.attn_ln")
    if cross:
        yield from _attention(
            variables, f"{scope}/attention", f"{target}.cross_attn", fused_qkv=False
        )
        yield from _layer_norm(
            variables, f"{scope}/attention/layer_norm", f"{target}.cross_attn_ln"
        )
    for index, linear in ((0, "linear_0"), (2, "linear_1")):  # mlp = Linear, GELU, Linear
        yield f"{target}.mlp.{index}.weight", _weight(variables, f"{scope}/ffn/{linear}")
        yield f"{target}.mlp.{index}.bias", variables[f"{scope}/ffn/{linear}/bias"]
    yield from _layer_norm(variables, f"{scope}/ffn/layer_norm", f"{target}.mlp_ln")


def whisper_state_dict(
    variables: dict[str, np.ndarray], dims: WhisperDims
) -> dict[str, np.ndarray]:
    """openai-whisper's state dict (names from whisper/model.py) from CTranslate2 variables."""
    if variables.get("decoder/scale_embeddings", np.array(False)).item():
        raise ConversionError("decoder scales embeddings; not a Whisper model")
    state: dict[str, np.ndarray] = {}
    for conv in ("conv1", "conv2"):
        state[f"encoder.{conv}.weight"] = _weight(variables, f"encoder/{conv}")
        state[f"encoder.{conv}.bias"] = variables[f"encoder/{conv}/bias"]
    state["encoder.positional_embedding"] = variables["encoder/position_encodings/encodings"]
    for i in range(dims.n_audio_layer):
        state.update(_block(variables, f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False))
    state.update(_layer_norm(variables, "encoder/layer_norm", "encoder.ln_post"))
    state["decoder.token_embedding.weight"] = _weight(variables, "decoder/embeddings")
    state["decoder.positional_embedding"] = variables["decoder/position_encodings/encodings"]
    for i in range(dims.n_text_layer):
        state.update(_block(variables, f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True))
    state.update(_layer_norm(variables, "decoder/layer_norm", "decoder.ln"))
    return state


def convert(model_bin: str | Path, output: str | Path) -> WhisperDims:
    """Write an openai-whisper checkpoint (``dims`` + ``model_state_dict``) to ``output``."""
    import torch

    spec_name, variables = read_ctranslate2(model_bin)
    if spec_name != "WhisperSpec":
        raise ConversionError(f"expected a WhisperSpec model, got {spec_name!r}")
    dims = whisper_dims(variables)
    state = {
        # Keep the stored precision (float16 halves the file); load_state_dict widens to float32.
        name: torch.from_numpy(value.copy())  # frombuffer arrays are read-only
        for name, value in whisper_state_dict(variables, dims).items()
    }
    tmp = Path(f"{output}.tmp")
    torch.save({"dims": asdict(dims), "model_state_dict": state}, tmp)
    tmp.replace(output)  # atomic: a crash never leaves a half-written checkpoint
    return dims
