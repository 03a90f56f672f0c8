"""arXiv subject classes: the short code a profile shows, and its full name."""

from __future__ import annotations

# Computer-science classes first (profiles are cs pages), then the neighbours
# that cs papers are often cross-listed in.
CATEGORY_NAMES: dict[str, str] = {
    "AI": "Artificial Intelligence",
    "AR": "Hardware Architecture",
    "CC": "Computational Complexity",
    "CE": "Computational Engineering, Finance, and Science",
    "CG": "Computational Geometry",
    "CL": "Computation and Language",
    "CR": "Cryptography and Security",
    "CV": "Computer Vision and Pattern Recognition",
    "CY": "Computers and Society",
    "DB": "Databases",
    "DC": "Distributed, Parallel, and Cluster Computing",
    "DL": "Digital Libraries",
    "DM": "Discrete Mathematics",
    "DS": "Data Structures and Algorithms",
    "ET": "Emerging Technologies",
    "FL": "Formal Languages and Automata Theory",
    "GL": "General Literature",
    "GR": "Graphics",
    "GT": "Computer Science and Game Theory",
    "HC": "Human-Computer Interaction",
    "IR": "Information Retrieval",
    "IT": "Information Theory",
    "LG": "Machine Learning",
    "LO": "Logic in Computer Science",
    "MA": "Multiagent Systems",
    "MM": "Multimedia",
    "MS": "Mathematical Software",
    "NA": "Numerical Analysis",
    "NE": "Neural and Evolutionary Computing",
    "NI": "Networking and Internet Architecture",
    "OH": "Other Computer Science",
    "OS": "Operating Systems",
    "PF": "Performance",
    "PL": "Programming Languages",
    "RO": "Robotics",
    "SC": "Symbolic Computation",
    "SD": "Sound",
    "SE": "Software Engineering",
    "SI": "Social and Information Networks",
    "SY": "Systems and Control",
    "AS": "Audio and Speech Processing",
    "IV": "Image and Video Processing",
    "SP": "Signal Processing",
    "ML": "Machine Learning (Statistics)",
    "TH": "Statistics Theory",
    "ME": "Methodology",
    "ST": "Statistics",
    "OC": "Optimization and Control",
    "QC": "Quantum Physics",
    "QM": "Quantitative Methods",
}


def category_name(code: str | None) -> str | None:
    """The full name of an arXiv class code (``"CL"``, ``"cs.CL"``), or None if unknown."""
    if not code:
        return None
    short = code.rsplit(".", 1)[-1].upper()
    return CATEGORY_NAMES.get(short)
