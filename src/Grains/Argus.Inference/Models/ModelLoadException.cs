namespace Argus.Inference.Models;

/// <summary>
/// A model version could not be loaded, and nothing of it was left behind: its definition is invalid or conflicts with a
/// loaded version, a file is missing, outside the model root or not a model, or a device could not open or warm it. The
/// message says which.
/// </summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
