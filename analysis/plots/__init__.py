"""Publication figures for the meta-analysis engine: matplotlib only, no Django.

Each of ``forest_plot(ForestPlotData)``, ``funnel_plot(FunnelData)``, ``prisma_flow_diagram(counts)``,
``traffic_light_plot(RobPlotData)`` and ``rob_summary_plot(RobPlotData)`` returns a new matplotlib
Figure; ``save_figure(figure, path_or_file, "svg" | "png" | "pdf")`` writes it.
``forest_data_from_result`` / ``funnel_data_from_result`` build the inputs from an engine result.
User text is always drawn literally (``parse_math=False``). See docs/plots.md.
"""

from analysis.plots.data import ForestGroup, ForestPlotData, ForestPooled, ForestStudyRow, FunnelData
from analysis.plots.export import FORMATS, save_figure
from analysis.plots.forest import forest_plot
from analysis.plots.from_stats import forest_data_from_result, funnel_data_from_result
from analysis.plots.funnel import funnel_plot
from analysis.plots.prisma import prisma_flow_diagram
from analysis.plots.rob import rob_summary_plot, traffic_light_plot
from analysis.plots.rob_data import RobAssessment, RobPlotData

__all__ = [
    "FORMATS",
    "ForestGroup",
    "ForestPlotData",
    "ForestPooled",
    "ForestStudyRow",
    "FunnelData",
    "RobAssessment",
    "RobPlotData",
    "forest_data_from_result",
    "forest_plot",
    "funnel_data_from_result",
    "funnel_plot",
    "prisma_flow_diagram",
    "rob_summary_plot",
    "save_figure",
    "traffic_light_plot",
]
