using System.Globalization;
using System.Net;
using System.Text;
using Robot.Protocol.Extensions;

namespace Robot.Simulator.Scenarios;

/// <summary>
/// The report's dose map as an SVG picture, face by face: each measured point a cell at its place
/// along the face and height, coloured by its decision, with its dose; hot spots ringed.
/// </summary>
public static class DoseMapSvg
{
    private const double Scale = 60; // px per metre
    private const double Margin = 40;

    public static string Render(InspectionReport report)
    {
        var faces = new[] { "right", "door", "left", "front" };
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var panels = faces.Select(f => (Face: f, Points: report.Points.Where(p => p.Face == f).ToList())).ToList();
        var widths = panels.Select(p => Math.Max(2.6, (p.Points.Count == 0 ? 0 : p.Points.Max(x => x.AlongM)) + 0.6) * Scale).ToList();
        var height = 3.2 * Scale;
        var totalWidth = widths.Sum() + Margin * (faces.Length + 1);
        var totalHeight = height + 150;
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{totalWidth:0}\" height=\"{totalHeight:0}\" font-family=\"sans-serif\" font-size=\"10\">");
        sb.Append(inv, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Esc(report.Container.Number)} ({Esc(report.Container.Type)}): {Esc(report.Verdict)}</text>");
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"36\">background {report.Background?.DoseRateUSvPerH:0.###} µSv/h, threshold {report.ThresholdUSvPerH:0.###} µSv/h, profile {Esc(report.Profile.Name)} {Esc(report.Profile.Version)} ({Esc(report.Profile.PointMode)}), report {Esc(report.ReportId)}</text>");
        var x0 = Margin;
        for (var i = 0; i < panels.Count; i++)
        {
            var (face, points) = panels[i];
            var top = 60.0;
            sb.Append(inv, $"<g transform=\"translate({x0:0.#},{top:0.#})\">");
            sb.Append(inv, $"<rect x=\"0\" y=\"0\" width=\"{widths[i]:0.#}\" height=\"{height:0.#}\" fill=\"#f4f4f4\" stroke=\"#999\"/>");
            sb.Append(inv, $"<text x=\"0\" y=\"-6\" font-weight=\"bold\">{face} face</text>");
            // Refinement dots first, survey points on top with their dose; a re-measurement sits on its
            // survey point, whose colour already says whether it was confirmed.
            foreach (var p in points.Where(p => p.Kind != "remeasure").OrderBy(p => p.Kind is null ? 1 : 0))
            {
                var cx = (p.AlongM + 0.3) * Scale;
                var cy = height - p.HeightM * Scale;
                var colour = p.Decision switch
                {
                    PointDecisions.Exceeds => "#d62728",
                    PointDecisions.Anomaly => "#ff9f1c",
                    PointDecisions.Invalid => "#7f7f7f",
                    _ => "#2ca02c",
                };
                var r = p.Kind is null ? 13 : 7;
                sb.Append(inv, $"<circle cx=\"{cx:0.#}\" cy=\"{cy:0.#}\" r=\"{r}\" fill=\"{colour}\" fill-opacity=\"0.8\"><title>{Esc(p.PointId)} {p.DoseRateUSvPerH:0.###} µSv/h ({p.Decision}{(p.Kind is null ? "" : ", " + p.Kind)})</title></circle>");
                if (p.Kind is null) sb.Append(inv, $"<text x=\"{cx:0.#}\" y=\"{cy + 3:0.#}\" text-anchor=\"middle\" font-size=\"8\" fill=\"white\">{p.DoseRateUSvPerH:0.00}</text>");
            }
            foreach (var h in report.HotSpots.Where(h => h.Face == face))
            {
                sb.Append(inv, $"<circle cx=\"{(h.AlongM + 0.3) * Scale:0.#}\" cy=\"{height - h.HeightM * Scale:0.#}\" r=\"20\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>");
            }
            sb.Append(inv, $"<text x=\"0\" y=\"{height + 14:0.#}\">along (m) →, height ↑</text>");
            sb.Append("</g>");
            x0 += widths[i] + Margin;
        }
        var ly = height + 110;
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"{ly:0}\">●</text><text x=\"{Margin + 10}\" y=\"{ly:0}\" fill=\"#2ca02c\">clear</text>");
        sb.Append(inv, $"<text x=\"{Margin + 60}\" y=\"{ly:0}\" fill=\"#ff9f1c\">anomaly</text><text x=\"{Margin + 120}\" y=\"{ly:0}\" fill=\"#d62728\">exceeds</text><text x=\"{Margin + 180}\" y=\"{ly:0}\" fill=\"#7f7f7f\">invalid</text>");
        sb.Append(inv, $"<text x=\"{Margin + 240}\" y=\"{ly:0}\">small dots: the finer grid round a confirmed point; dashed ring: hot spot</text>");
        sb.Append(inv, $"<text x=\"{Margin}\" y=\"{ly + 16:0}\">{Esc(report.VerdictReason)}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Esc(string? s) => WebUtility.HtmlEncode(s ?? "");
}
