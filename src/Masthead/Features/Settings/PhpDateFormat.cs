using System.Globalization;
using System.Text;

namespace Masthead.Features.Settings;

/// <summary>
/// Formats dates with WordPress's (PHP's) format characters, because the site's date and time format
/// settings, and every WordPress export, are written in them ("F j, Y" → "March 1, 2025").
/// </summary>
public static class PhpDateFormat
{
    public static string Format(DateTime local, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder(format.Length * 2);
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            switch (c)
            {
                case '\\' when i + 1 < format.Length: builder.Append(format[++i]); break;
                case 'd': builder.Append(local.Day.ToString("00", culture)); break;
                case 'j': builder.Append(local.Day.ToString(culture)); break;
                case 'D': builder.Append(local.ToString("ddd", culture)); break;
                case 'l': builder.Append(local.ToString("dddd", culture)); break;
                case 'N': builder.Append(local.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)local.DayOfWeek); break;
                case 'w': builder.Append((int)local.DayOfWeek); break;
                case 'S': builder.Append(OrdinalSuffix(local.Day)); break;
                case 'z': builder.Append(local.DayOfYear - 1); break;
                case 'F': builder.Append(local.ToString("MMMM", culture)); break;
                case 'M': builder.Append(local.ToString("MMM", culture)); break;
                case 'm': builder.Append(local.Month.ToString("00", culture)); break;
                case 'n': builder.Append(local.Month.ToString(culture)); break;
                case 't': builder.Append(DateTime.DaysInMonth(local.Year, local.Month)); break;
                case 'Y': builder.Append(local.Year.ToString(culture)); break;
                case 'y': builder.Append((local.Year % 100).ToString("00", culture)); break;
                case 'a': builder.Append(local.Hour < 12 ? "am" : "pm"); break;
                case 'A': builder.Append(local.Hour < 12 ? "AM" : "PM"); break;
                case 'g': builder.Append((local.Hour % 12 == 0 ? 12 : local.Hour % 12).ToString(culture)); break;
                case 'G': builder.Append(local.Hour.ToString(culture)); break;
                case 'h': builder.Append((local.Hour % 12 == 0 ? 12 : local.Hour % 12).ToString("00", culture)); break;
                case 'H': builder.Append(local.Hour.ToString("00", culture)); break;
                case 'i': builder.Append(local.Minute.ToString("00", culture)); break;
                case 's': builder.Append(local.Second.ToString("00", culture)); break;
                case 'c': builder.Append(local.ToString("yyyy-MM-dd'T'HH:mm:ss", culture)); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    private static string OrdinalSuffix(int day) => day switch
    {
        1 or 21 or 31 => "st",
        2 or 22 => "nd",
        3 or 23 => "rd",
        _ => "th",
    };
}
