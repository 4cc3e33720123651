#!/usr/bin/python3
"""Converts a TF.js Keras layers model (model.json and its weight files) to ONNX.

Usage: tfjs_to_onnx.py MODEL_JSON OUTPUT_ONNX

Written for the layer types of nsfwjs's MobileNetV2 and InceptionV3 (scripts/fetch-models.sh): Conv2D,
DepthwiseConv2D, BatchNormalization, ReLU, Activation, Add, Concatenate, ZeroPadding2D, Max/AveragePooling2D,
Flatten, Dense, Dropout. Anything else, or a setting these layers do not use, stops the conversion with its name.

The ONNX model takes what Argus's preprocessing makes, planar NCHW floats with a free batch dimension, where the
Keras model takes NHWC: the weights are transposed once instead of the activations on every call. Padding follows
TensorFlow's rules ('same' puts the odd pixel after, and average pooling does not count it), spelled as explicit
pads so no runtime's reading of auto_pad matters. Runs on Debian's python3-onnx and python3-numpy; the output is a
function of the input files alone (no time stamps), so a re-run gives the same bytes.
"""
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
QUANTIZED = {"uint8": np.uint8, "uint16": np.uint16}


class Unsupported(Exception):
    pass


def load_weights(model_json, folder):
    """The weights by name, dequantized as TF.js does (q * scale + min in doubles, stored as float32)."""
    weights = {}
    for group in model_json["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32":
                raise Unsupported(f"weight {spec['name']} has dtype {spec['dtype']}")
            count = math.prod(spec["shape"])
            q = spec.get("quantization")
            if q is None:
                values = np.frombuffer(data, np.float32, count, offset)
                offset += count * 4
            elif q["dtype"] in QUANTIZED:
                stored = np.frombuffer(data, QUANTIZED[q["dtype"]], count, offset)
                offset += stored.nbytes
                values = (stored.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
            else:
                raise Unsupported(f"weight {spec['name']} is quantized as {q['dtype']}")
            weights[spec["name"]] = values.reshape(spec["shape"])
        if offset != len(data):
            raise Unsupported(f"the weight files hold {len(data)} bytes; the manifest describes {offset}")
    return weights


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding of one axis: (before, after), the odd pixel after."""
    extent = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


def out_size(size, kernel, stride, before, after, dilation=1):
    return (size + before + after - ((kernel - 1) * dilation + 1)) // stride + 1


class Converter:
    def __init__(self, model_json, weights):
        self.weights = weights
        self.used = set()
        self.nodes = []
        self.initializers = []
        self.tensors = {}  # a layer's name -> (ONNX tensor name, NHWC shape without the batch dimension)
        config = model_json["modelTopology"]["model_config"]
        if config["class_name"] not in ("Model", "Functional"):
            raise Unsupported(f"model class {config['class_name']}")
        self.config = config["config"]

    def weight(self, layer, param, transform=None):
        key = f"{layer}/{param}"
        if key not in self.weights:
            raise Unsupported(f"layer {layer} has no weight {param}")
        self.used.add(key)
        value = self.weights[key] if transform is None else transform(self.weights[key])
        return self.constant(key, value)

    def constant(self, name, value):
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value, dtype=value.dtype), name))
        return name

    def node(self, op, inputs, output, **attributes):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def activation(self, name, x, activation, rank):
        if activation == "linear":
            return x
        if activation in ("relu", "sigmoid", "tanh"):
            return self.node(activation.capitalize(), [x], f"{name}/{activation}")
        if activation == "softmax":
            return self.node("Softmax", [x], f"{name}/softmax", axis=1 if rank == 4 else -1)
        raise Unsupported(f"layer {name}: activation {activation}")

    def convert(self):
        (input_name, _, _), = self.config["input_layers"]
        (output_name, _, _), = self.config["output_layers"]
        graph_input = None
        for layer in self.config["layers"]:
            kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
            if kind == "InputLayer":
                _, h, w, c = cfg["batch_input_shape"]
                graph_input = helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", c, h, w])
                self.tensors[name] = (name, (h, w, c))
                continue
            if len(layer["inbound_nodes"]) != 1:
                raise Unsupported(f"layer {name} is called {len(layer['inbound_nodes'])} times")
            inputs = [self.tensors[inbound[0]] for inbound in layer["inbound_nodes"][0]]
            handler = getattr(self, kind, None) if kind[:1].isupper() else None  # the methods named as Keras layers
            if handler is None:
                raise Unsupported(f"layer {name} of type {kind}")
            if cfg.get("data_format", "channels_last") != "channels_last":
                raise Unsupported(f"layer {name}: data_format {cfg['data_format']}")
            self.tensors[name] = handler(name, cfg, inputs)
        if graph_input is None or input_name not in self.tensors:
            raise Unsupported("the model has no input layer")
        unused = sorted(set(self.weights) - self.used)
        if unused:
            raise Unsupported(f"weights no layer reads: {', '.join(unused[:5])}")
        out, shape = self.tensors[output_name]
        output = self.node("Identity", [out], "output")
        graph = helper.make_graph(
            self.nodes, self.config.get("name", "model"), [graph_input],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["N", *shape])], self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="argus scripts/tfjs_to_onnx.py")
        onnx.checker.check_model(model, full_check=True)
        return model

    # One method per Keras layer type: (name, config, [(tensor, NHWC shape)]) -> (tensor, NHWC shape).

    def conv(self, name, cfg, x, shape, weight, channels_out, group):
        (h, w, _), (kh, kw), (sh, sw), (dh, dw) = shape, cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"]
        if cfg["padding"] == "same":
            (top, bottom), (left, right) = same_pads(h, kh, sh, dh), same_pads(w, kw, sw, dw)
        elif cfg["padding"] == "valid":
            top = bottom = left = right = 0
        else:
            raise Unsupported(f"layer {name}: padding {cfg['padding']}")
        inputs = [x, weight] + ([self.weight(name, "bias")] if cfg["use_bias"] else [])
        y = self.node("Conv", inputs, name, kernel_shape=[kh, kw], strides=[sh, sw], dilations=[dh, dw],
                      pads=[top, left, bottom, right], group=group)
        shape = (out_size(h, kh, sh, top, bottom, dh), out_size(w, kw, sw, left, right, dw), channels_out)
        return self.activation(name, y, cfg["activation"], 4), shape

    def Conv2D(self, name, cfg, inputs):
        (x, shape), = inputs
        # Keras [kh, kw, in, out] -> ONNX [out, in, kh, kw].
        kernel = self.weight(name, "kernel", lambda k: k.transpose(3, 2, 0, 1))
        return self.conv(name, cfg, x, shape, kernel, cfg["filters"], 1)

    def DepthwiseConv2D(self, name, cfg, inputs):
        (x, shape), = inputs
        channels, multiplier = shape[2], cfg["depth_multiplier"]
        # Keras [kh, kw, in, multiplier] -> ONNX [in * multiplier, 1, kh, kw], one group per input channel.
        kernel = self.weight(name, "depthwise_kernel",
                             lambda k: k.transpose(2, 3, 0, 1).reshape(channels * multiplier, 1, *k.shape[:2]))
        return self.conv(name, cfg, x, shape, kernel, channels * multiplier, channels)

    def BatchNormalization(self, name, cfg, inputs):
        (x, shape), = inputs
        if cfg["axis"] not in (-1, 3):
            raise Unsupported(f"layer {name}: axis {cfg['axis']}")
        channels = shape[2]
        gamma = self.weight(name, "gamma") if cfg["scale"] else self.constant(f"{name}/gamma", np.ones(channels, np.float32))
        beta = self.weight(name, "beta") if cfg["center"] else self.constant(f"{name}/beta", np.zeros(channels, np.float32))
        y = self.node("BatchNormalization", [x, gamma, beta, self.weight(name, "moving_mean"),
                                             self.weight(name, "moving_variance")], name, epsilon=cfg["epsilon"])
        return y, shape

    def ReLU(self, name, cfg, inputs):
        (x, shape), = inputs
        if cfg.get("negative_slope", 0) != 0 or cfg.get("threshold", 0) != 0:
            raise Unsupported(f"layer {name}: a ReLU with a negative slope or a threshold")
        if cfg.get("max_value") is None:
            return self.node("Relu", [x], name), shape
        low = self.constant(f"{name}/min", np.array(0, np.float32))
        high = self.constant(f"{name}/max", np.array(cfg["max_value"], np.float32))
        return self.node("Clip", [x, low, high], name), shape

    def Activation(self, name, cfg, inputs):
        (x, shape), = inputs
        return self.activation(name, x, cfg["activation"], 1 + len(shape)), shape

    def Add(self, name, cfg, inputs):
        if len({shape for _, shape in inputs}) != 1:
            raise Unsupported(f"layer {name} adds tensors of different shapes")
        return self.node("Sum", [x for x, _ in inputs], name), inputs[0][1]

    def Concatenate(self, name, cfg, inputs):
        if cfg["axis"] not in (-1, 3):
            raise Unsupported(f"layer {name}: axis {cfg['axis']}")
        if len({shape[:2] for _, shape in inputs}) != 1:
            raise Unsupported(f"layer {name} concatenates tensors of different sizes")
        h, w, _ = inputs[0][1]
        return self.node("Concat", [x for x, _ in inputs], name, axis=1), (h, w, sum(s[2] for _, s in inputs))

    def ZeroPadding2D(self, name, cfg, inputs):
        (x, (h, w, c)), = inputs
        (top, bottom), (left, right) = cfg["padding"]  # Keras saves the padding as ((top, bottom), (left, right))
        pads = self.constant(f"{name}/pads", np.array([0, 0, top, left, 0, 0, bottom, right], np.int64))
        return self.node("Pad", [x, pads], name), (h + top + bottom, w + left + right, c)

    def pool(self, op, name, cfg, inputs, **attributes):
        (x, (h, w, c)), = inputs
        (kh, kw), (sh, sw) = cfg["pool_size"], cfg["strides"] or cfg["pool_size"]
        if cfg["padding"] == "same":
            (top, bottom), (left, right) = same_pads(h, kh, sh), same_pads(w, kw, sw)
        elif cfg["padding"] == "valid":
            top = bottom = left = right = 0
        else:
            raise Unsupported(f"layer {name}: padding {cfg['padding']}")
        y = self.node(op, [x], name, kernel_shape=[kh, kw], strides=[sh, sw], pads=[top, left, bottom, right],
                      **attributes)
        return y, (out_size(h, kh, sh, top, bottom), out_size(w, kw, sw, left, right), c)

    def MaxPooling2D(self, name, cfg, inputs):
        return self.pool("MaxPool", name, cfg, inputs)

    def AveragePooling2D(self, name, cfg, inputs):
        # TensorFlow averages over the pixels inside the image only.
        return self.pool("AveragePool", name, cfg, inputs, count_include_pad=0)

    def Flatten(self, name, cfg, inputs):
        (x, (h, w, c)), = inputs
        if h * w != 1:
            # Keras flattens NHWC: the channels vary fastest.
            x = self.node("Transpose", [x], f"{name}/nhwc", perm=[0, 2, 3, 1])
        return self.node("Flatten", [x], name, axis=1), (h * w * c,)

    def Dense(self, name, cfg, inputs):
        (x, shape), = inputs
        if len(shape) != 1:
            raise Unsupported(f"layer {name}: a Dense layer on a tensor of rank {1 + len(shape)}")
        bias = self.weight(name, "bias") if cfg["use_bias"] else \
            self.constant(f"{name}/bias", np.zeros(cfg["units"], np.float32))
        y = self.node("Gemm", [x, self.weight(name, "kernel"), bias], name)
        return self.activation(name, y, cfg["activation"], 2), (cfg["units"],)

    def Dropout(self, name, cfg, inputs):
        (x, shape), = inputs
        return x, shape  # inference: the identity


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    model_path, output = argv[1], argv[2]
    with open(model_path) as f:
        model_json = json.load(f)
    try:
        model = Converter(model_json, load_weights(model_json, os.path.dirname(model_path))).convert()
    except Unsupported as e:
        sys.exit(f"tfjs_to_onnx: {model_path}: unsupported: {e}")
    onnx.save(model, output)


if __name__ == "__main__":
    main(sys.argv)
