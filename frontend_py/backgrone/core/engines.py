"""The engine table: one typed record per engine, and nothing engine-specific anywhere else."""

# How an engine turns its raw output into a mask in [0, 1].
OUTPUT_CLAMP = "clamp"  # already a probability map: clamp into [0, 1]
OUTPUT_MINMAX = "minmax"  # arbitrary range: stretch min..max onto 0..1

# How the build turns the source's bytes into the model it serves.
RECIPE_AS_IS = ""
# Static per-channel 8-bit ISNet made from the fp16 weights (build/isnet_int8.py): the
# package's own 8-bit model is a dynamic quantization, slower and clearly less accurate.
RECIPE_STATIC_INT8 = "isnet-static-int8"


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
        scale: float,
        offset: float,
        output_mode: str,
        source: str,
        source_key: str,
        licence: str,
        recipe: str,
    ) -> None:
        self.engine_id = engine_id
        self.label = label
        self.summary = summary
        # Expected size of the .onnx file; 0 when unknown until the file is fetched.
        self.size_bytes = size_bytes
        self.input_name = input_name
        self.output_name = output_name
        self.input_size = input_size
        # Normalisation is an affine map of each 0..255 channel value: p * scale + offset.
        self.scale = scale
        self.offset = offset
        self.output_mode = output_mode
        self.source = source
        self.source_key = source_key
        self.licence = licence
        self.recipe = recipe


WEIGHTS_PACKAGE = "@imgly/background-removal-data@1.4.5"
RMBG_URL = "https://huggingface.co/briaai/RMBG-1.4/resolve/main/onnx/model_quantized.onnx"
# ISNet: RGB, (p - 128) / 256; its output is already a probability map.
ISNET_SCALE = 1.0 / 256.0
ISNET_OFFSET = -0.5

ENGINES = [
    Engine(
        engine_id="precision", label="Precision",
        summary="ISNet, fp16 weights: the most accurate edges",
        size_bytes=88188479, input_name="input", output_name="output", input_size=1024,
        scale=ISNET_SCALE, offset=ISNET_OFFSET, output_mode=OUTPUT_CLAMP,
        source=WEIGHTS_PACKAGE, source_key="/models/medium", licence="AGPL-3.0",
        recipe=RECIPE_AS_IS,
    ),
    Engine(
        engine_id="lightweight", label="Lightweight",
        summary="ISNet, 8-bit: half the download, faster",
        size_bytes=44553730, input_name="input", output_name="output", input_size=1024,
        scale=ISNET_SCALE, offset=ISNET_OFFSET, output_mode=OUTPUT_CLAMP,
        source=WEIGHTS_PACKAGE, source_key="/models/medium", licence="AGPL-3.0",
        recipe=RECIPE_STATIC_INT8,
    ),
    Engine(
        # RMBG-1.4: p / 255 - 0.5 (std 1); its output's range varies, so it is stretched.
        engine_id="balanced", label="Balanced",
        summary="BRIA RMBG-1.4: strong on products and people",
        size_bytes=0, input_name="input", output_name="output", input_size=1024,
        scale=1.0 / 255.0, offset=-0.5, output_mode=OUTPUT_MINMAX,
        source=RMBG_URL, source_key="", licence="bria-rmbg-1.4 (non-commercial)",
        recipe=RECIPE_AS_IS,
    ),
]
# __pragma__('nokwargs')

DEFAULT_ENGINE = "precision"


def find_engine(engine_id: str) -> Engine:
    """The engine with this id; ValueError names the ids that exist."""
    for engine in ENGINES:
        if engine.engine_id == engine_id:
            return engine
    known = ", ".join([e.engine_id for e in ENGINES])
    raise ValueError("unknown engine '" + engine_id + "' (known: " + known + ")")
