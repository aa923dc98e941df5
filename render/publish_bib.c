/* publish_bib: references.bib, the data sources and methods the figures
 * rest on, as BibTeX.
 */
#include "render/publish_impl.h"


static const char S_BIB[] =
    "@article{patterson2021carbon,\n"
    "  author = {Patterson, David and Gonzalez, Joseph and Le, Quoc and Liang, Chen and "
    "Munguia, Lluis-Miquel and Rothchild, Daniel and So, David and Texier, Maud and Dean, "
    "Jeff},\n"
    "  title = {Carbon Emissions and Large Neural Network Training},\n"
    "  journal = {arXiv preprint arXiv:2104.10350},\n  year = {2021}\n}\n\n"
    "@inproceedings{strubell2019energy,\n"
    "  author = {Strubell, Emma and Ganesh, Ananya and McCallum, Andrew},\n"
    "  title = {Energy and Policy Considerations for Deep Learning in {NLP}},\n"
    "  booktitle = {Proceedings of the 57th Annual Meeting of the Association for "
    "Computational Linguistics},\n  pages = {3645--3650},\n  year = {2019}\n}\n\n"
    "@article{henderson2020towards,\n"
    "  author = {Henderson, Peter and Hu, Jieru and Romoff, Joshua and Brunskill, Emma and "
    "Jurafsky, Dan and Pineau, Joelle},\n"
    "  title = {Towards the Systematic Reporting of the Energy and Carbon Footprints of "
    "Machine Learning},\n"
    "  journal = {Journal of Machine Learning Research},\n  volume = {21},\n"
    "  number = {248},\n  pages = {1--43},\n  year = {2020}\n}\n\n"
    "@article{lannelongue2021green,\n"
    "  author = {Lannelongue, Lo{\\\"\\i}c and Grealey, Jason and Inouye, Michael},\n"
    "  title = {Green Algorithms: Quantifying the Carbon Footprint of Computation},\n"
    "  journal = {Advanced Science},\n  volume = {8},\n  number = {12},\n"
    "  pages = {2100707},\n  year = {2021}\n}\n\n"
    "@article{lacoste2019quantifying,\n"
    "  author = {Lacoste, Alexandre and Luccioni, Alexandra and Schmidt, Victor and "
    "Dandres, Thomas},\n"
    "  title = {Quantifying the Carbon Emissions of Machine Learning},\n"
    "  journal = {arXiv preprint arXiv:1910.09700},\n  year = {2019}\n}\n\n"
    "@inproceedings{dodge2022measuring,\n"
    "  author = {Dodge, Jesse and Prewitt, Taylor and Tachet des Combes, Remi and Odmark, "
    "Erika and Schwartz, Roy and Strubell, Emma and Luccioni, Alexandra Sasha and Smith, "
    "Noah A. and DeCario, Nicole and Buchanan, Will},\n"
    "  title = {Measuring the Carbon Intensity of {AI} in Cloud Instances},\n"
    "  booktitle = {Proceedings of the 2022 ACM Conference on Fairness, Accountability, and "
    "Transparency (FAccT)},\n  pages = {1877--1894},\n  year = {2022}\n}\n\n"
    "@misc{uptime2023survey,\n"
    "  author = {{Uptime Institute}},\n"
    "  title = {Global Data Center Survey 2023},\n  year = {2023},\n"
    "  note = {Industry-average annual PUE 1.58}\n}\n\n"
    "@misc{uptime2020regions,\n"
    "  author = {Lawrence, Andy},\n"
    "  title = {Which regions have the most energy efficient data centers?},\n"
    "  howpublished = {Uptime Institute Journal, "
    "\\url{https://journal.uptimeinstitute.com/datacenter-energy-efficiency-by-region/}},\n"
    "  year = {2020},\n"
    "  note = {Regional average PUE from 1.46 (Europe) to 1.79 (Middle East and Africa)}\n}\n\n"
    "@misc{google2023pue,\n"
    "  author = {{Google}},\n  title = {Data center efficiency},\n"
    "  howpublished = {\\url{https://www.google.com/about/datacenters/efficiency/}},\n"
    "  year = {2023},\n  note = {Fleet-wide average PUE about 1.10}\n}\n\n"
    "@misc{owid2024energy,\n"
    "  author = {{Our World in Data}},\n"
    "  title = {Energy dataset: carbon intensity of electricity generation},\n"
    "  howpublished = {\\url{https://github.com/owid/energy-data}},\n"
    "  note = {Based on Ember Yearly Electricity Data and Energy Institute Statistical "
    "Review of World Energy; CC BY 4.0},\n  year = {2024}\n}\n\n"
    "@misc{epa2024egrid,\n"
    "  author = {{U.S. Environmental Protection Agency}},\n"
    "  title = {Emissions \\& Generation Resource Integrated Database (eGRID2022)},\n"
    "  howpublished = {\\url{https://www.epa.gov/egrid}},\n  year = {2024}\n}\n\n"
    "@misc{hf2022co2,\n"
    "  author = {{Hugging Face}},\n"
    "  title = {Displaying carbon emissions for your model},\n"
    "  howpublished = {\\url{https://huggingface.co/docs/hub/model-cards-co2}},\n"
    "  year = {2022}\n}\n\n";

void tp_publish_bib(tp_buf *b, const tp_publish_ctx *c) {
  const tp_assumptions *a = &c->lab->assumptions;
  tp_buf_adds(b, "% references.bib: sources of the figures, written by trainprint.\n"
                 "% \\url needs the url or hyperref package.\n\n");
  tp_buf_adds(b, S_BIB);
  tp_buf_adds(b, "@misc{trainprint,\n  title = {trainprint: energy and {CO$_2$e} of "
                 "machine-learning training runs},\n  note = {Version ");
  tp_publish_latex_escape(b, c->opts->version ? c->opts->version : "");
  tp_buf_adds(b, "}\n}\n\n@misc{tpintensity,\n  title = {Carbon intensity used");
  if (a->zone) {
    tp_buf_adds(b, " (zone ");
    tp_publish_latex_escape(b, a->zone);
    tp_buf_adds(b, ")");
  }
  tp_buf_adds(b, "},\n  note = {");
  tp_publish_latex_escape(b, a->intensity_source);
  tp_buf_adds(b, "}");
  if (a->intensity_year > 0) tp_buf_printf(b, ",\n  year = {%d}", a->intensity_year);
  tp_buf_adds(b, "\n}\n");
  if (c->opts->equivalents && c->tables) {
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, c->lab->co2e_kg, eq);
    for (size_t k = 0; k < ne; k++) {
      tp_buf_printf(b, "\n@misc{tpequiv%c,\n  title = {", (char)('a' + k));
      tp_publish_latex_escape(b, eq[k].row->unit);
      tp_buf_adds(b, "},\n  note = {");
      tp_publish_latex_escape(b, eq[k].row->source);
      tp_buf_adds(b, "}\n}\n");
    }
  }
}
