using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>
/// The packages of scripts/pack.sh as a user gets them: the SDK's contents, the argus tool installed from the local
/// pack and run against the real silo, and the sample worker service built against the pack and run against it too.
/// </summary>
[Collection(CliSiloCollection.Name)]
public sealed class PackageTests(CliSiloFixture fixture, LocalPack pack) : IClassFixture<LocalPack>
{
    private static readonly XNamespace Nuspec2013 = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

    /// <summary>Portable PDB custom debug information: a document's embedded source.</summary>
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Theory]
    [InlineData("Argus.Abstractions", "src/Grains/Argus.Abstractions", "T:Argus.Devices.IDeviceGrain", "Devices/IDeviceGrain.cs")]
    [InlineData("Argus.Client", "src/Client/Argus.Client", "T:Argus.Client.IArgusClient", "IArgusClient.cs")]
    public void An_sdk_package_carries_its_xml_docs_a_readme_the_commit_and_its_sources_in_the_pdb(string id, string project, string documented, string source)
    {
        using var package = ZipFile.OpenRead(pack.Package(id));
        var nuspec = Nuspec(package, id);
        Assert.Equal("README.md", Element(nuspec, "readme").Value);
        Assert.Equal(File.ReadAllText(Path.Combine(TestData.RepoRoot, project, "README.md")), Read(package, "README.md"));
        Assert.Matches("^[0-9a-f]{40}$", Element(nuspec, "repository").Attribute("commit")?.Value ?? "");

        var docs = XDocument.Parse(Read(package, $"lib/net10.0/{id}.xml"));
        Assert.Contains(docs.Descendants("member"), m => m.Attribute("name")?.Value == documented);

        // The PDB is inside the DLL, with every source file: a debugger needs neither a symbol server nor the repository.
        using var pe = new PEReader(new MemoryStream(Bytes(package, $"lib/net10.0/{id}.dll")));
        var embedded = Assert.Single(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        using var pdb = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        var reader = pdb.GetMetadataReader();
        var documents = reader.Documents.Select(h => (Handle: h, Name: reader.GetString(reader.GetDocument(h).Name))).ToList();
        var file = Assert.Single(documents, d => d.Name.Replace('\\', '/').EndsWith("/" + source, StringComparison.Ordinal));
        Assert.Contains(reader.GetCustomDebugInformation(file.Handle), c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == EmbeddedSource);
    }

    [Fact]
    public void The_client_package_depends_on_the_abstractions_of_its_own_version()
    {
        using var package = ZipFile.OpenRead(pack.Package("Argus.Client"));
        var dependency = Assert.Single(Nuspec(package, "Argus.Client").Descendants(Nuspec2013 + "dependency"), d => d.Attribute("id")?.Value == "Argus.Abstractions");
        Assert.Equal(pack.Version, dependency.Attribute("version")?.Value);
    }

    [Fact]
    public async Task The_tool_installs_from_the_local_pack_and_runs_help_and_status_against_a_real_silo()
    {
        using (var package = ZipFile.OpenRead(pack.Package("Argus.Cli")))
        {
            Assert.Contains(package.Entries, e => e.FullName.EndsWith("/runtimes/linux-x64/native/libonnxruntime.so", StringComparison.Ordinal));
            Assert.DoesNotContain(package.Entries, e => e.Name.StartsWith("libonnxruntime_providers_cuda", StringComparison.Ordinal));
        }

        var tools = Directory.CreateTempSubdirectory("argus-tool-");
        try
        {
            var (installed, install) = await LocalPack.RunAsync("dotnet",
                ["tool", "install", "Argus.Cli", "--tool-path", tools.FullName, "--add-source", pack.Source.FullName, "--version", pack.Version],
                TimeSpan.FromMinutes(3));
            Assert.True(installed == 0, install);
            var argus = Path.Combine(tools.FullName, "argus");

            var (helped, help) = await LocalPack.RunAsync(argus, ["--help"], TimeSpan.FromMinutes(1));
            Assert.True(helped == 0, help);
            Assert.Contains("argus [command] [options]", help);
            Assert.Matches(@"\n\s+status\s+Shows the cluster's silos and devices", help);

            // The summary follows the devices' table only when the silo answered.
            var (code, status) = await LocalPack.RunAsync(argus, ["--gateway", fixture.Silo!.GatewayPort.ToString(), "status"], TimeSpan.FromMinutes(1));
            Assert.True(code == 0, status);
            Assert.Contains("1 silo(s), 1 device(s).", status);
        }
        finally
        {
            tools.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_sample_worker_builds_against_the_local_pack_and_embeds_a_folders_images_through_the_silo()
    {
        var work = Directory.CreateTempSubdirectory("argus-sample-");
        try
        {
            var bin = Path.Combine(work.FullName, "bin");
            var (built, build) = await LocalPack.RunAsync("dotnet",
                ["build", Path.Combine(TestData.RepoRoot, "samples", "Argus.Samples.Worker"), "-nologo", "-clp:ErrorsOnly", "-o", bin,
                 $"-p:ArgusPackages={pack.Source.FullName}", $"-p:ArgusVersion={pack.Version}"],
                TimeSpan.FromMinutes(5));
            Assert.True(built == 0, build);

            var images = Directory.CreateDirectory(Path.Combine(work.FullName, "images"));
            await File.WriteAllBytesAsync(Path.Combine(images.FullName, "apple.jpg"), TestData.Image("apple.jpg"));
            await File.WriteAllBytesAsync(Path.Combine(images.FullName, "broken.jpg"), TestData.TruncatedJpeg());
            await File.WriteAllTextAsync(Path.Combine(images.FullName, "notes.txt"), "not an image");

            var (code, output) = await LocalPack.RunAsync("dotnet", [Path.Combine(bin, "Argus.Samples.Worker.dll")], TimeSpan.FromMinutes(2),
                new Dictionary<string, string>
                {
                    ["Argus__GatewayPort"] = fixture.Silo!.GatewayPort.ToString(),
                    ["Embedder__Folder"] = images.FullName,
                    ["Embedder__Once"] = "true",
                });

            Assert.True(code == 0, output);
            Assert.Matches(@"apple\.jpg: 512 floats from resnet18 v1 on \S+", output);
            Assert.Matches(@"broken\.jpg: failed: .*Truncated JPEG", output);
            Assert.DoesNotContain("notes.txt", output);
            Assert.Contains("Embedded 2 image(s); stopping", output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }


    private static XDocument Nuspec(ZipArchive package, string id) => XDocument.Parse(Read(package, $"{id}.nuspec"));

    private static XElement Element(XDocument nuspec, string name) => Assert.Single(nuspec.Descendants(Nuspec2013 + name));

    private static string Read(ZipArchive package, string path)
    {
        using var reader = new StreamReader(Assert.Single(package.Entries, e => e.FullName == path).Open());
        return reader.ReadToEnd();
    }

    private static byte[] Bytes(ZipArchive package, string path)
    {
        using var stream = Assert.Single(package.Entries, e => e.FullName == path).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
