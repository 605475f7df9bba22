using System.CommandLine;
using FaceNative.Packs;
using Spectre.Console;

namespace FaceNative.Cli;

/// <summary>`models list | verify | fetch`: what the packs name, whether it is here and intact,
/// and how to bring it from a folder or a URL.</summary>
internal static class ModelsCommands
{
    public static Command Create(CommonOptions common)
    {
        var models = new Command("models", "List, verify and fetch model packs");
        models.Subcommands.Add(List(common));
        models.Subcommands.Add(Verify(common));
        models.Subcommands.Add(Fetch(common));
        return models;
    }

    private static Command List(CommonOptions common)
    {
        var command = new Command("list", "Every built-in pack, its models, and where each was found");
        command.SetAction(parse => Guard(() =>
        {
            var locator = new ModelLocator(parse.GetValue(common.Models));
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("search_paths");
                foreach (string root in locator.SearchRoots) w.WriteStringValue(root);
                w.WriteEndArray();
                w.WriteStartArray("packs");
                foreach (string name in ModelPack.BuiltInNames)
                {
                    ModelPack pack = ModelPack.BuiltIn(name);
                    w.WriteStartObject();
                    w.WriteString("name", pack.Name);
                    w.WriteString("description", pack.Description);
                    w.WriteBoolean("complete", pack.Models.All(m => m.Optional || locator.TryFind(m.File) is not null));
                    w.WriteStartArray("models");
                    foreach (PackModel m in pack.Models)
                    {
                        w.WriteStartObject();
                        w.WriteString("role", m.Role);
                        w.WriteString("file", m.File);
                        w.WriteBoolean("optional", m.Optional);
                        w.WriteString("path", locator.TryFind(m.File));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify(CommonOptions common)
    {
        var packName = new Argument<string?>("pack")
        {
            Description = "Pack to check (default: --pack)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("verify", "Check each model file of a pack against its SHA-256") { packName };
        command.SetAction(parse => Guard(() =>
        {
            ModelPack pack = ModelPack.Resolve(parse.GetValue(packName) ?? parse.GetValue(common.Pack) ?? "default");
            var locator = new ModelLocator(parse.GetValue(common.Models));
            bool ok = true;
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("pack", pack.Name);
                w.WriteStartArray("models");
                foreach (PackModel m in pack.Models)
                {
                    string? path = locator.TryFind(m.File);
                    string status;
                    string? actual = null;
                    if (path is null) status = m.Optional ? "missing-optional" : "missing";
                    else if (m.Sha256 is null) status = "unchecked";
                    else
                    {
                        actual = ModelLocator.Sha256Of(path);
                        bool same = string.Equals(actual, m.Sha256, StringComparison.OrdinalIgnoreCase);
                        status = same ? "ok" : "mismatch";
                    }
                    ok &= status is "ok" or "unchecked" or "missing-optional";

                    w.WriteStartObject();
                    w.WriteString("role", m.Role);
                    w.WriteString("file", m.File);
                    w.WriteString("path", path);
                    w.WriteString("status", status);
                    if (m.Sha256 is not null) w.WriteString("expected_sha256", m.Sha256);
                    if (actual is not null) w.WriteString("sha256", actual);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            if (!ok) Console.Error.WriteLine($"error: pack '{pack.Name}' has missing or corrupt model files");
            return ok ? ExitCodes.Ok : ExitCodes.ModelError;
        }));
        return command;
    }

    private static Command Fetch(CommonOptions common)
    {
        var packName = new Argument<string>("pack") { Description = "Pack to fetch" };
        var from = new Option<string>("--from")
        {
            Description = "Folder or http(s) URL holding the pack's files under their pack paths",
            Required = true,
        };
        var to = new Option<string?>("--to")
        {
            Description = "Destination folder (default: --models, else the user cache)",
        };
        var command = new Command("fetch", "Copy or download a pack's model files, checking SHA-256")
        {
            packName, from, to,
        };
        command.SetAction(parse => Guard(() =>
        {
            ModelPack pack = ModelPack.Resolve(parse.GetValue(packName)!);
            string destination = parse.GetValue(to) ?? parse.GetValue(common.Models) ?? ModelLocator.UserCacheDirectory;
            var fetcher = new ModelFetcher(parse.GetValue(from)!, destination);

            PairsRunner.ProgressConsole().Progress().Start(ctx =>
            {
                foreach (PackModel m in pack.Models)
                {
                    var task = ctx.AddTask(m.File, maxValue: 1);
                    fetcher.Fetch(m, (done, total) =>
                    {
                        task.MaxValue = Math.Max(1, total ?? done);
                        task.Value = done;
                    });
                    task.Value = task.MaxValue;
                }
            });
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("pack", pack.Name);
                w.WriteString("destination", Path.GetFullPath(destination));
                w.WriteNumber("files", pack.Models.Count);
                w.WriteEndObject();
            });
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (FaceException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.For(e.Kind);
        }
    }
}
