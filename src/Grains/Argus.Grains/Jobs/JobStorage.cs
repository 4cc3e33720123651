using Argus.Errors;
using Argus.Inference.Storage;
using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>
/// A job's paths against the storage roots (<see cref="StorageOptions"/>): checked at submit, and resolved again at
/// every use (listing the input, reading an item, writing a file), so a link changed since cannot lead a job out. A
/// refusal is <see cref="BadInputException"/>: 400 at submit, the job's failure reason later.
/// </summary>
internal static class JobStorage
{
    /// <summary>
    /// What is wrong with <paramref name="spec"/>'s local input and output on this silo's file system, one line per problem.
    /// A relative path is left to <see cref="JobSpec.Validate"/>, an object store to <see cref="Storage.JobStores.Problems"/>.
    /// </summary>
    public static IEnumerable<string> Problems(JobSpec spec, StorageOptions storage)
    {
        if (Path.IsPathFullyQualified(spec.Input) && Refusal(() => ResolveInput(spec.Input, storage)) is { } input)
        {
            yield return input;
        }
        else if (Path.IsPathFullyQualified(spec.Input) && spec.Watch && !JobPlanner.CanWatch(spec.Input))
        {
            yield return $"watch needs a folder or a glob as input, not '{spec.Input}'.";
        }

        if (Path.IsPathFullyQualified(spec.Output) && Refusal(() => storage.Output(spec.Output)) is { } output)
        {
            yield return output;
        }
    }

    /// <summary>
    /// The real path of a job's input, as the planner lists it: a glob's fixed leading folder, or the folder or file
    /// the input names.
    /// </summary>
    /// <exception cref="BadInputException">It leaves the input roots, or does not exist.</exception>
    public static string ResolveInput(string input, StorageOptions storage) =>
        input.Contains('*')
            ? Input(JobPlanner.SplitGlob(input).Root, ConfinedKind.Folder, storage)
            : Input(input, ConfinedKind.FileOrFolder, storage);

    /// <summary>The real path of <paramref name="path"/> inside the input roots, of <paramref name="kind"/>.</summary>
    /// <exception cref="BadInputException">It leaves the input roots, or is not of that kind.</exception>
    public static string Input(string path, ConfinedKind kind, StorageOptions storage) => Refuse(() => storage.Input(path, kind));

    /// <summary>The real path of folder <paramref name="path"/> inside the output roots, which may not exist yet.</summary>
    /// <exception cref="BadInputException">It leaves the output roots.</exception>
    public static string Output(string path, StorageOptions storage) => Refuse(() => storage.Output(path));

    /// <summary>
    /// The bytes of item file <paramref name="path"/> inside the input roots, opened without following a link that
    /// appeared after the check.
    /// </summary>
    /// <exception cref="BadInputException">It leaves the input roots, or is not a regular file.</exception>
    public static byte[] ReadItem(string path, StorageOptions storage) =>
        Refuse(() => ConfinedFile.ReadAllBytes(storage.Input(path, ConfinedKind.File)));

    /// <summary>
    /// Output folder <paramref name="path"/> inside the output roots, made when missing and opened without following a
    /// link that appeared after the check: files are written in it through the open folder, never by its path.
    /// </summary>
    /// <exception cref="BadInputException">It leaves the output roots.</exception>
    public static ConfinedFile.Folder OpenOutput(string path, StorageOptions storage) => Refuse(() =>
    {
        var folder = storage.Output(path);
        Directory.CreateDirectory(folder);
        return ConfinedFile.OpenFolder(folder);
    });

    private static T Refuse<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (PathRefusedException e)
        {
            throw new BadInputException(e.Message);
        }
    }

    private static string? Refusal(Func<string> resolve)
    {
        try
        {
            resolve();
            return null;
        }
        catch (Exception e) when (e is PathRefusedException or BadInputException)
        {
            return e.Message;
        }
    }
}
