using Argus.Inference.Batching;

namespace Argus.Inference.Sessions;

/// <summary>What a device runs a model with: a warm ONNX Runtime session, or a simulated one.</summary>
public interface IModelSession : IBatchRunner, IDisposable
{
    /// <summary>The input callers fill.</summary>
    TensorDescription Input { get; }

    /// <summary>The output each item gets.</summary>
    TensorDescription Output { get; }
}
