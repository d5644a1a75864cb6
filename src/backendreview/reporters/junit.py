"""JUnit XML, the test report format most CI systems (GitLab, Jenkins, Azure Pipelines,
CircleCI, Buildkite) display: one <testsuite> per file, one failed <testcase> per finding.
A run without findings is one passing test case, so the report is never empty."""

from __future__ import annotations

from itertools import groupby
from xml.etree import ElementTree as ET

from ..engine import RunResult


def render(result: RunResult) -> str:
    total = len(result.findings)
    root = ET.Element("testsuites", {"name": "backendreview", "tests": str(max(total, 1)),
                                     "failures": str(total), "errors": "0"})
    if not result.findings:
        suite = ET.SubElement(root, "testsuite", {"name": "backendreview", "tests": "1",
                                                  "failures": "0", "errors": "0"})
        ET.SubElement(suite, "testcase", {"name": f"{result.files} file(s) reviewed",
                                          "classname": "backendreview"})
    for path, group in groupby(result.findings, key=lambda f: f.path):
        findings = list(group)
        suite = ET.SubElement(root, "testsuite", {
            "name": path, "tests": str(len(findings)), "failures": str(len(findings)),
            "errors": "0"})
        for finding in findings:
            span = finding.span
            case = ET.SubElement(suite, "testcase", {
                "name": f"{finding.rule_id} at line {span.start_line}, column {span.start_col}",
                "classname": path, "file": path, "line": str(span.start_line)})
            message = " ".join(finding.message.split())
            failure = ET.SubElement(case, "failure", {"message": message,
                                                      "type": finding.severity.value})
            text = f"{path}:{span.start_line}:{span.start_col}: {finding.rule_id} {message}"
            if finding.fix is not None:
                text += f"\nfix: {finding.fix.description}"
            failure.text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="unicode") + "\n"
