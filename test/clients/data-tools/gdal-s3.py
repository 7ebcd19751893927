"""GDAL's own S3 client (/vsis3/) against Nimbus: prints one JSON object of what it saw.

Usage: gdal-s3.py BUCKET WORKDIR. AWS_S3_ENDPOINT, AWS_HTTPS, AWS_VIRTUAL_HOSTING and the
credentials come from the environment.
"""
import json, os, sys, urllib.request
from osgeo import gdal

gdal.UseExceptions()
bucket, work = sys.argv[1], sys.argv[2]
root = f"/vsis3/{bucket}"
out = {}

# A GeoTIFF written through a temporary file (GTiff needs random writes), read back by ranged GETs.
src = os.path.join(work, "src.tif")
ds = gdal.GetDriverByName("GTiff").Create(src, 64, 64, 1, gdal.GDT_Byte)
ds.SetGeoTransform([0, 0.1, 0, 10, 0, -0.1])
ds.GetRasterBand(1).Fill(7)
ds = None
gdal.SetConfigOption("CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE", "YES")
gdal.Translate(f"{root}/raster/out.tif", src, creationOptions=["TILED=YES"])
gdal.SetConfigOption("CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE", None)
back = gdal.Open(f"{root}/raster/out.tif")
local_ds = gdal.Open(src)  # the dataset must outlive its band
local = local_ds.GetRasterBand(1).Checksum()
out["raster"] = [back.RasterXSize, back.GetRasterBand(1).Checksum() == local, back.GetGeoTransform()[1]]
back = local_ds = None

# A streamed write over VSIS3_CHUNK_SIZE (MB) goes up as a multipart upload; a seek reads a range.
data = os.urandom(11 * 1024 * 1024)
gdal.SetConfigOption("VSIS3_CHUNK_SIZE", "5")
f = gdal.VSIFOpenL(f"{root}/big/blob.bin", "wb")
gdal.VSIFWriteL(data, 1, len(data), f)
out["multipartClose"] = gdal.VSIFCloseL(f)
out["size"] = gdal.VSIStatL(f"{root}/big/blob.bin").size == len(data)
f = gdal.VSIFOpenL(f"{root}/big/blob.bin", "rb")
gdal.VSIFSeekL(f, 6 * 1024 * 1024 + 3, 0)
out["rangedRead"] = gdal.VSIFReadL(1, 70000, f) == data[6 * 1024 * 1024 + 3 : 6 * 1024 * 1024 + 70003]
gdal.VSIFCloseL(f)
out["etag"] = gdal.GetFileMetadata(f"{root}/big/blob.bin", "HEADERS").get("ETag")

# Directories are listings (ListObjects with delimiter) and "dir/" marker objects.
out["mkdir"] = gdal.Mkdir(f"{root}/made", 0o755)
out["madeIsDir"] = bool(gdal.VSIStatL(f"{root}/made").IsDirectory())
out["rename"] = gdal.Rename(f"{root}/big/blob.bin", f"{root}/moved/blob.bin")
out["setHeaders"] = gdal.SetFileMetadata(f"{root}/moved/blob.bin", {"x-amz-meta-color": "blue", "Content-Type": "application/x-test"}, "HEADERS")
headers = gdal.GetFileMetadata(f"{root}/moved/blob.bin", "HEADERS")
out["headers"] = [headers.get("Content-Type"), headers.get("x-amz-meta-color")]
out["setTags"] = gdal.SetFileMetadata(f"{root}/moved/blob.bin", {"k1": "v1"}, "TAGS")
out["tags"] = gdal.GetFileMetadata(f"{root}/moved/blob.bin", "TAGS")

# Vector data: a GeoJSON written sequentially and read back by OGR.
csv = os.path.join(work, "pts.csv")
with open(csv, "w", encoding="utf-8") as fh:
    fh.write("id,name,WKT\n1,alpha,POINT (1 2)\n2,béta,POINT (3 4)\n")
gdal.VectorTranslate(f"{root}/vec/pts.geojson", csv, format="GeoJSON")
layer_ds = gdal.OpenEx(f"{root}/vec/pts.geojson", gdal.OF_VECTOR)
layer = layer_ds.GetLayer(0)
out["features"] = [feature.GetField("name") for feature in layer]
layer_ds = None

# gdal.Sync uploads a tree (skipping what is unchanged the second time) and deletes by batch.
tree = os.path.join(work, "tree")
os.makedirs(os.path.join(tree, "sub"), exist_ok=True)
with open(os.path.join(tree, "a.txt"), "w") as fh:
    fh.write("aaa")
with open(os.path.join(tree, "sub", "b c+d.txt"), "w") as fh:
    fh.write("bbb")
out["sync"] = [gdal.Sync(tree + "/", f"{root}/synced"), gdal.Sync(tree + "/", f"{root}/synced")]
out["synced"] = sorted(gdal.ReadDirRecursive(f"{root}/synced"))
out["listing"] = sorted(gdal.ReadDir(f"{root}/"))
out["rmdirRecursive"] = gdal.RmdirRecursive(f"{root}/synced")
out["unlinkBatch"] = gdal.UnlinkBatch([f"{root}/made/", f"{root}/vec/pts.geojson"])

# GDAL's own presigner: the URL must serve GET (and refuse any other verb).
url = gdal.GetSignedURL(f"{root}/moved/blob.bin", ["EXPIRATION_DELAY=300"])
with urllib.request.urlopen(url) as res:
    out["presigned"] = [res.status, len(res.read()) == len(data)]
out["unlink"] = gdal.Unlink(f"{root}/moved/blob.bin")
gdal.VSICurlClearCache()
out["final"] = sorted(gdal.ReadDir(f"{root}/") or [])
print(json.dumps(out))
