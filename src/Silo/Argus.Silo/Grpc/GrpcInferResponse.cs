using Argus.Silo.Http.OpenInference;
using Google.Protobuf;
using Inference;

namespace Argus.Silo.Grpc;

/// <summary>Writes the protocol's inference response for gRPC: the output tensor in <c>raw_output_contents</c>, as Triton sends it.</summary>
internal static class GrpcInferResponse
{
    public static ModelInferResponse Of(OpenInferenceAnswer answer)
    {
        var (model, request, result) = answer;
        var rows = new float[result.Items.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = result.Items[i].Raw!;
        }

        var response = new ModelInferResponse { ModelName = model.Name, ModelVersion = result.Version, Id = request.Id ?? "" };

        // Which device answered, and whether it was a simulated one (kind "sim": no model ran), as over HTTP.
        response.Parameters.Add("device", new InferParameter { StringParam = result.Device });
        response.Parameters.Add("device_kind", new InferParameter { StringParam = result.DeviceKind });
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = model.Output.Name, Datatype = TensorData.Fp32 };
        output.Shape.Add(TensorData.OutputShape(model, rows.Length));
        response.Outputs.Add(output);
        response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(TensorData.RawFloats(rows)));
        return response;
    }
}
