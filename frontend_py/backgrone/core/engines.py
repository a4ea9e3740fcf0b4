"""The engine table: one typed record per engine, and nothing engine-specific anywhere else."""
# __pragma__('skip')
from typing import List
# __pragma__('noskip')

# How an engine turns its raw output into a mask in [0, 1].
OUTPUT_CLAMP = "clamp"  # already a probability map: clamp into [0, 1]
OUTPUT_MINMAX = "minmax"  # arbitrary range: stretch min..max onto 0..1

# How the build turns the source's bytes into the model it serves.
RECIPE_AS_IS = ""
# Static per-channel 8-bit ISNet made from the fp16 weights (build/isnet_int8.py): the
# package's own 8-bit model is a dynamic quantization, slower and clearly less accurate.
RECIPE_STATIC_INT8 = "isnet-static-int8"

# GPU forms (core/devices): how an engine runs on WebGPU, if at all.
GPU_NONE = ""  # CPU only
GPU_FP16 = "fp16"  # fp16 weights and arithmetic: needs an adapter with `shader-f16`
GPU_AS_IS = "as-is"  # the engine's own file as it is (a user's model: its types are unknown)


# Records are built with keyword arguments, so that each table row reads field by field:
# Transcrypt passes keywords only where this pragma is on, at the definition and at the call.
# __pragma__('kwargs')
class Engine:
    """Everything the app needs to know about one model: where it comes from and how to run it."""

    def __init__(
        self,
        engine_id: str,
        label: str,
        summary: str,
        size_bytes: int,
        input_name: str,
        output_name: str,
        input_size: int,
        mean: List[float],
        std: List[float],
        output_mode: str,
        source: str,
        source_key: str,
        licence: str,
        recipe: str,
        gpu_form: str,
        gpu_model: str,
    ) -> None:
        self.engine_id = engine_id
        self.label = label
        self.summary = summary
        # Expected size of the .onnx file; 0 when unknown until the file is fetched.
        self.size_bytes = size_bytes
        self.input_name = input_name
        self.output_name = output_name
        self.input_size = input_size
        # Normalisation per channel (R, G, B) of each 0..255 value: (p - mean[c]) / std[c],
        # both on the 0..255 scale (a model trained on p / 255 with ImageNet's mean 0.485 and
        # std 0.229 has mean 0.485 * 255 and std 0.229 * 255); core/tensor.rgba_to_nchw.
        self.mean = mean
        self.std = std
        self.output_mode = output_mode
        self.source = source
        self.source_key = source_key
        self.licence = licence
        self.recipe = recipe
        # On the GPU: the form (GPU_*), and the engine whose staged model that form loads
        # ("" for this engine's own model).
        self.gpu_form = gpu_form
        self.gpu_model = gpu_model


WEIGHTS_PACKAGE = "@imgly/background-removal-data@1.4.5"
RMBG_URL = "https://huggingface.co/briaai/RMBG-1.4/resolve/main/onnx/model_quantized.onnx"
# ISNet: RGB, (p - 128) / 256; its output is already a probability map.
ISNET_MEAN = [128.0, 128.0, 128.0]
ISNET_STD = [256.0, 256.0, 256.0]

ENGINES = [
    Engine(
        engine_id="precision", label="Precision",
        summary="ISNet, fp16 weights: the most accurate edges",
        size_bytes=88188479, input_name="input", output_name="output", input_size=1024,
        mean=ISNET_MEAN, std=ISNET_STD, output_mode=OUTPUT_CLAMP,
        source=WEIGHTS_PACKAGE, source_key="/models/medium", licence="AGPL-3.0",
        recipe=RECIPE_AS_IS,
        # Its fp16 weights as they are; without shader-f16 it stays on the CPU (README).
        gpu_form=GPU_FP16, gpu_model="",
    ),
    Engine(
        engine_id="lightweight", label="Lightweight",
        summary="ISNet, 8-bit: half the download, faster",
        size_bytes=44553730, input_name="input", output_name="output", input_size=1024,
        mean=ISNET_MEAN, std=ISNET_STD, output_mode=OUTPUT_CLAMP,
        source=WEIGHTS_PACKAGE, source_key="/models/medium", licence="AGPL-3.0",
        recipe=RECIPE_STATIC_INT8,
        # Its static int8 QDQ form puts 341 nodes on the CPU under WebGPU: on the GPU it runs
        # the fp16 weights it is made from (Precision's file, one download for both engines).
        gpu_form=GPU_FP16, gpu_model="precision",
    ),
    Engine(
        # RMBG-1.4: p / 255 - 0.5, i.e. (p - 127.5) / 255; its output's range varies, so it is
        # stretched.
        engine_id="balanced", label="Balanced",
        summary="BRIA RMBG-1.4: strong on products and people",
        size_bytes=0, input_name="input", output_name="output", input_size=1024,
        mean=[127.5, 127.5, 127.5], std=[255.0, 255.0, 255.0], output_mode=OUTPUT_MINMAX,
        source=RMBG_URL, source_key="", licence="bria-rmbg-1.4 (non-commercial)",
        recipe=RECIPE_AS_IS,
        gpu_form=GPU_AS_IS, gpu_model="",
    ),
]


def with_input_size(engine: Engine, side: int) -> Engine:
    """`engine` for a model whose fixed input is side x side (worker/session.input_size)."""
    if side == engine.input_size:
        return engine
    sized = copied(engine)
    sized.input_size = side
    return sized


def copied(engine: Engine) -> Engine:
    """A copy of the record, every field as it is (none listed here, so none forgotten)."""
    # __pragma__('skip')
    import copy
    return copy.copy(engine)
    # __pragma__('noskip')
    # __pragma__('ecom')
    #?return Object.assign(Object.create(Object.getPrototypeOf(engine)), engine)
    # __pragma__('noecom')


# __pragma__('nokwargs')

DEFAULT_ENGINE = "precision"


def find_engine(engine_id: str) -> Engine:
    """The engine with this id; ValueError names the ids that exist."""
    for engine in ENGINES:
        if engine.engine_id == engine_id:
            return engine
    known = ", ".join([e.engine_id for e in ENGINES])
    raise ValueError("unknown engine '" + engine_id + "' (known: " + known + ")")
