using Argus.Silo.Tests.Tenants;
using Argus.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using static Inference.GRPCInferenceService;

namespace Argus.Silo.Tests.Grpc;

/// <summary>gRPC takes API keys as HTTP does (metadata <c>x-api-key</c> or <c>authorization: Bearer</c>) and spends the tenant's rate.</summary>
public sealed class GrpcTenantTests(RateLimitedSiloFixture fixture) : IClassFixture<RateLimitedSiloFixture>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Silo!.GrpcPort}");

    public void Dispose() => _channel.Dispose();

    private static readonly Metadata TenantB = new() { { "authorization", $"Bearer {RateLimitedSiloFixture.TenantBKey}" } };

    private async Task<ModelInferResponse> InferAsync(Metadata? headers)
    {
        var client = new GRPCInferenceServiceClient(_channel);
        var input = (await client.ModelMetadataAsync(new() { Name = "resnet18" }, TenantB)).Inputs.Single().Name;
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "BYTES", Shape = { 1 }, Contents = new() };
        tensor.Contents.BytesContents.Add(ByteString.CopyFrom(TestData.Image("apple.jpg")));
        return await client.ModelInferAsync(new ModelInferRequest { ModelName = "resnet18", Inputs = { tensor } }, headers);
    }

    [Fact]
    public async Task Health_is_open_and_inference_needs_a_key()
    {
        var client = new GRPCInferenceServiceClient(_channel);
        Assert.True((await client.ServerLiveAsync(new())).Live);
        Assert.True((await client.ServerReadyAsync(new())).Ready);

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => InferAsync(null));
        var wrong = await Assert.ThrowsAsync<RpcException>(() => InferAsync(new() { { "x-api-key", "not-a-key-0123456789" } }));

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
    }

    [Fact]
    public async Task A_tenant_over_its_rate_is_ResourceExhausted_by_name_while_another_tenant_is_served()
    {
        var a = new Metadata { { "x-api-key", RateLimitedSiloFixture.TenantAKey } };
        await InferAsync(a);
        await InferAsync(a);

        var refused = await Assert.ThrowsAsync<RpcException>(() => InferAsync(a));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("Tenant 'a' is over its rate of 0.1 requests/s", refused.Status.Detail);
        for (var i = 0; i < 3; i++)
        {
            await InferAsync(TenantB);
        }
    }
}
