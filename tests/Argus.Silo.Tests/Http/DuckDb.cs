using DuckDB.NET.Data;

namespace Argus.Silo.Tests.Http;

/// <summary>SQL against an in-memory DuckDB, as the tests that read Argus' tables run it.</summary>
internal static class DuckDb
{
    public static void Execute(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static object? Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static List<T> Rows<T>(DuckDBConnection db, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
