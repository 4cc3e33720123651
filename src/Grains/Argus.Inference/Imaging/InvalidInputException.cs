namespace Argus.Inference.Imaging;

/// <summary>An input that cannot be used (an undecodable image, a tensor of the wrong size); the message says why. Never retryable.</summary>
public sealed class InvalidInputException(string message) : Exception(message);
