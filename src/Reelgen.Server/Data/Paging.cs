using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Reelgen.Server.Data;

/// <summary>A page of a list and the cursor of the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Which page of a newest-first list to read: <c>limit</c> (default 20, at most 100) and <c>cursor</c>, which names the
/// last row of the previous page by (created_at, id). A page is one range of the (workspace_id, created_at, id) index,
/// and rows added meanwhile never repeat or shift the pages after it.
/// </summary>
public sealed record PageRequest(int Limit, long? AfterCreatedAt, string? AfterId)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>The condition that keeps rows after the cursor (empty without one), then the order and the limit.</summary>
    public string Sql => (AfterId is null ? "" : " AND (created_at < @AfterCreatedAt OR (created_at = @AfterCreatedAt AND id < @AfterId))")
        + " ORDER BY created_at DESC, id DESC LIMIT @Take";

    /// <summary>One row more than the page, to learn whether a next page exists.</summary>
    public int Take => Limit + 1;

    /// <summary>Reads <c>limit</c> and <c>cursor</c> from the query string; a bad one is added to <paramref name="errors"/>.</summary>
    public static PageRequest Read(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
                errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}; got '{limitText}'."];
        }
        if (!query.TryGetValue("cursor", out var cursorText) || cursorText.ToString().Length == 0)
            return new PageRequest(limit, null, null);
        if (Decode(cursorText.ToString()) is { } after)
            return new PageRequest(limit, after.CreatedAt, after.Id);
        errors["cursor"] = ["is not a cursor of this list; pass nextCursor from the previous page unchanged."];
        return new PageRequest(limit, null, null);
    }

    /// <summary>Cuts the <see cref="Take"/> rows read into this page and the next page's cursor.</summary>
    public Page<T> ToPage<T>(IReadOnlyList<T> rows, Func<T, (long CreatedAt, string Id)> key)
    {
        if (rows.Count <= Limit)
            return new Page<T>(rows, null);
        var last = key(rows[Limit - 1]);
        return new Page<T>(rows.Take(Limit).ToList(), Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt}:{last.Id}")));
    }

    private static (long CreatedAt, string Id)? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < text.Length - 1 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt))
                return (createdAt, text[(colon + 1)..]);
        }
        catch (FormatException)
        {
        }
        return null;
    }
}
