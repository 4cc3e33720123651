using System.Text;
using Argus.Models;
using Argus.Silo.Http.OpenInference;

namespace Argus.Silo.Tests.Http.OpenInference;

/// <summary>A small model and helpers for reading requests against it.</summary>
internal static class Requests
{
    /// <summary>Takes <c>x</c> [N,2,2] (4 values per item), gives <c>y</c> [N,3].</summary>
    public static readonly ModelInfo Model = new("tiny", "1", "classification", new TensorInfo("x", [-1, 2, 2]), new TensorInfo("y", [-1, 3]), [], 8);

    /// <summary>A valid FP32 request of two items.</summary>
    public const string Fp32 = """{"id":"a","inputs":[{"name":"x","shape":[2,2,2],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""";

    /// <summary>A valid BYTES request of two images in JSON (any bytes: the device judges images).</summary>
    public const string Images = """{"inputs":[{"name":"x","shape":[2],"datatype":"BYTES","data":["AQID",{"b64":"BAU="}]}],"outputs":[{"name":"y"}]}""";

    public static InferRequestCheck Read(string json, string? header = null, byte[]? binary = null) =>
        InferRequestReader.Read((byte[])[.. Encoding.UTF8.GetBytes(json), .. binary ?? []], header, Model);

    /// <summary>A request with the binary tensor data extension: the JSON, then <paramref name="binary"/>.</summary>
    public static InferRequestCheck ReadBinary(string json, byte[] binary) =>
        Read(json, Encoding.UTF8.GetByteCount(json).ToString(), binary);

    public static ValidInferRequest Valid(InferRequestCheck check) =>
        check as ValidInferRequest ?? throw new Xunit.Sdk.XunitException($"Expected a valid request: {string.Join(' ', ((InvalidInferRequest)check).Problems)}");

    public static IReadOnlyList<string> Problems(InferRequestCheck check) =>
        Assert.IsType<InvalidInferRequest>(check).Problems;

    /// <summary>Asserts that the request is refused with a problem that mentions <paramref name="reason"/>.</summary>
    public static void Refused(InferRequestCheck check, string reason)
    {
        var problems = Problems(check);
        Assert.True(problems.Any(p => p.Contains(reason, StringComparison.Ordinal)), $"No problem mentions '{reason}': {string.Join(" | ", problems)}");
    }
}
