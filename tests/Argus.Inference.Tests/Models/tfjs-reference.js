// Runs a TF.js Keras layers model with @tensorflow/tfjs on its CPU backend (the reference the ONNX conversion is
// checked against). Usage: node tfjs-reference.js MODEL_JSON INPUT OUTPUT, where INPUT holds float32 items in planar
// NCHW (as Argus's preprocessing makes them) and OUTPUT receives the model's float32 outputs, item after item. The
// folder holding @tensorflow/tfjs comes from NODE_PATH.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

async function main() {
  const [modelPath, inputPath, outputPath] = process.argv.slice(2);
  const model = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const weightSpecs = model.weightsManifest.flatMap(group => group.weights);
  const weightData = Buffer.concat(model.weightsManifest.flatMap(group => group.paths)
    .map(p => fs.readFileSync(path.join(path.dirname(modelPath), p))));
  await tf.setBackend('cpu');
  const layers = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: model.modelTopology,
    weightSpecs,
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
  }));
  const [, height, width, channels] = layers.inputs[0].shape;
  const bytes = fs.readFileSync(inputPath);
  const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const items = input.length / (channels * height * width);
  const output = tf.tidy(() => layers.predict(tf.tensor4d(input, [items, channels, height, width]).transpose([0, 2, 3, 1])));
  const values = await output.data();
  fs.writeFileSync(outputPath, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

main().catch(e => { console.error(e); process.exit(1); });
