"""The county package (下发包): what the county sends down to one township, signed.

``contents`` is the package's data, ``sheets`` how it is laid out in the workbook
people open in Excel, ``write`` signs and writes it (the office's side),
``read`` verifies and reads it back, and ``receive`` applies it to an officer's
store. Signing, verifying and the file gate are the bundles' own.
"""
