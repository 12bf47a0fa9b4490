"""Signed Excel bundles: export, verify and read back (Qt-free)."""

from fieldsurvey.bundles.common import BundleError
from fieldsurvey.bundles.export import ExportSummary, export_bundle
from fieldsurvey.bundles.reader import read_bundle, read_verified
from fieldsurvey.bundles.records import BundleContents, OrganizationRecord, VisitRecord
from fieldsurvey.bundles.trust import (
    PublicKeyHolder,
    Signer,
    SignerIdentity,
    TrustedKey,
    trust_list,
)
from fieldsurvey.bundles.verify import Verdict, VerdictKind, verify_bundle

__all__ = [
    "BundleContents",
    "BundleError",
    "ExportSummary",
    "OrganizationRecord",
    "PublicKeyHolder",
    "Signer",
    "SignerIdentity",
    "TrustedKey",
    "Verdict",
    "VerdictKind",
    "VisitRecord",
    "export_bundle",
    "read_bundle",
    "read_verified",
    "trust_list",
    "verify_bundle",
]
