namespace Argus.Grains;

/// <summary>The one way a grain drops a reminder it may or may not have registered.</summary>
internal static class GrainReminders
{
    /// <summary>Unregisters <paramref name="grain"/>'s reminder <paramref name="name"/>, if it has one.</summary>
    public static async Task UnregisterReminderIfAnyAsync(this Grain grain, string name)
    {
        if (await grain.GetReminder(name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
