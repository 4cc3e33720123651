namespace Argus.Silo.Http.OpenInference;

// The protocol's JSON as typed records (read by InferRequestJson). Every field is optional here so that a missing or null
// one becomes a problem in InferRequestValidator's list rather than the end of the reading; a value of the wrong JSON type
// stops the reading.

/// <summary>The protocol's <c>$inference_request</c>.</summary>
internal sealed record InferRequest(
    string? Id, IReadOnlyList<RequestInput?>? Inputs, IReadOnlyList<RequestOutput?>? Outputs, RequestParameters? Parameters);

/// <summary>
/// The protocol's <c>$request_input</c>. Its <c>data</c> holds numbers or base64 strings, flat or nested in row-major
/// order, as the datatype says; null when absent or null.
/// </summary>
internal sealed record RequestInput(string? Name, IReadOnlyList<long>? Shape, string? Datatype, InputParameters? Parameters, JsonData? Data);

/// <summary>The protocol's <c>$request_output</c>.</summary>
internal sealed record RequestOutput(string? Name, OutputParameters? Parameters);

/// <summary>The request parameters Argus reads; others are ignored, as the protocol allows.</summary>
internal sealed record RequestParameters(bool? BinaryDataOutput);

/// <summary>The input parameters Argus reads: <c>binary_data_size</c> says the input's data follows the JSON.</summary>
internal sealed record InputParameters(long? BinaryDataSize);

/// <summary>The output parameters Argus reads.</summary>
internal sealed record OutputParameters(bool? BinaryData);

